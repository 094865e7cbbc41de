# Results (RES-01…RES-11): the refusals of protocol entry, acceptance and determination
# (the `results_*` members of shailoo_domain::ErrorCode, and `malformed_protocol`).
error-results_same_operator = The second entry must be made by another operator than the first.
error-results_already_entered = This protocol is already entered and waits for the commission.
error-results_awaiting_resolution = The two entries differ: the commission resolves the difference first.
error-results_already_accepted = This protocol is accepted. A correction is a new version with its reason.
error-results_no_difference = There is no difference to resolve.
error-results_not_entered = The protocol is not entered yet.
error-results_checks_failed = The control checks found errors: the protocol cannot be accepted.
error-results_comment_required = The control checks gave warnings: write a comment on them to accept.
error-results_not_accepted = Only an accepted protocol can be corrected.
error-results_reason_required = Give the reason.
error-results_decides_own_entry = Who entered a protocol does not decide on it.
error-results_unknown_option = A party or candidate is not on this ballot.
error-results_missing_option = The votes of a party or candidate of the ballot are missing: write 0 where there are none.
error-results_contest_not_held = This polling station does not hold this contest.
error-results_entry_closed = Protocols are entered from 20:00 on voting day until the results are determined.
error-results_determination_closed = The deadline for determining the results has passed.
error-results_ballot_unavailable = The ballot of this contest is not fixed yet.
error-results_incomplete = Not every protocol of the council is accepted yet.
error-results_bad_lots = The recorded drawing of lots does not fit the count.
error-malformed_protocol = A line of the file is not a protocol.
