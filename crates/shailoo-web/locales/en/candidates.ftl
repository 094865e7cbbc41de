# Candidates (CAN-01…CAN-10) and ballots (RES-02): English.
# The refusals of the candidate rules and of the candidacy use cases ("error-<code>",
# shailoo_domain::ErrorCode).

# The domain: parties, registry evidence, names, checks.
error-party_registration_number_empty = Enter the party's registration number.
error-party_registration_number_too_long = A party registration number has at most 32 characters.
error-party_registration_number_bad_character = A party registration number uses only letters, digits, “-”, “/” and “.”.
error-evidence_bad_request_id = A registry request id is 1 to 128 visible ASCII characters.
error-evidence_bad_digest = A response digest is 64 hexadecimal digits (BLAKE3-256).
error-name_missing = A surname and a given name are required.
error-name_too_long = Each part of a name has at most 100 characters.
error-name_control_character = A name may not contain control characters.
error-check_missing_answers = The registries' answers about this candidate are missing.
error-check_not_filed = This candidate's documents have not been filed.
error-check_party_mismatch = The party given is not the nominating party.
error-check_missing_party_membership = A party's nominee needs the answer of the party membership registry.

# The use cases (shailoo_app::candidates), the workflow and the ballots.
error-duplicate_party = A party with this id or registration number is already registered.
error-candidacy_ineligible = The candidate cannot be filed: the rule named below refuses them.
error-candidacy_check_input = The checks could not be put together for this nomination; run them again.
error-candidacy_bad_id = This is not a nomination number.
error-candidacy_unknown_nomination = There is no such nomination in this election.
error-candidacy_unknown_party = There is no such registered party.
error-candidacy_council_not_in_election = This council is not elected in this election.
error-candidacy_unknown_district = This is not a district of the council's approved scheme (CAN-03).
error-candidacy_list_already_open = The party already has a list for this council (CAN-03).
error-candidacy_not_own_community = A self-nominee stands only in a district of their own local community (CAN-01).
error-candidacy_not_the_voter = In the voter cabinet you may nominate only yourself.
error-candidacy_checks_pending = Some candidates have not been checked yet: no decision without the registries' answers.
error-candidacy_ground_not_shown = No failed check shows this ground: a refusal rests on the evidence (CAN-08, CAN-09).
error-candidacy_changed_while_checked = The nomination changed while it was being checked; run the checks again.
error-candidacy_document_missing = A document is required.
error-candidacy_document_too_large = The document is larger than 5 MB.
error-candidacy_document_not_recognised = The document is not a PDF, JPEG or PNG file.
error-candidacy_document_wrong_type = This kind of document is not accepted in this format (a photo is JPEG or PNG, a program PDF).
error-candidacy_document_misplaced = This document does not belong there (a candidate's document needs its candidate; a party's decision goes to a party's nomination).
error-candidacy_text_too_long = The text is too long or contains control characters.
error-candidacy_decision_overdue = The time for the TEC's decision has passed (CAN-09: within 10 days of filing, before registration closes).
error-candidacy_withdrawal_closed = Withdrawals are closed (CAN-09).
error-candidacy_cancellation_closed = A registration can no longer be cancelled: voting has closed.
error-candidacy_wrong_contest = City councils take party lists, aiyl councils district nominations (CAN-03).
error-candidacy_list_composition = The list breaks CAN-06: more candidates than seats, or more than the allowed share of one sex.
error-candidacy_one_candidate_only = A district nomination has exactly one candidate.
error-candidacy_empty = The nomination has no candidate.
error-candidacy_last_candidate = This is the list's last candidate: withdraw the list instead.
error-candidacy_unknown_candidate = There is no such standing candidate in this nomination.
error-candidacy_duplicate_id = This candidate id is already used in the nomination.
error-candidacy_bad_order = The new order must name every candidate once.
error-candidacy_stale = The nomination changed since it was shown; review it and submit again.
error-candidacy_checks_not_cleared = Not every check has passed: the nomination cannot be registered yet.
error-candidacy_report_mismatch = The check results do not match the nomination's candidates.
error-candidacy_lists_only = This step applies to city lists only.
error-candidacy_not_the_nominator = A candidate cannot withdraw a party list; only the party can.
error-candidacy_note_required = A cancellation needs a note naming the decision it rests on.
error-candidacy_step_not_allowed = This step is not possible for a nomination in its present status.
error-candidate_unknown_pin = The civil registry knows no person with this PIN.
error-candidate_answer_for_another_pin = The civil registry answered about another person; try again later.
error-candidate_pin_contradicts_registry = The PIN contradicts the civil registry's sex or birth date: a data error to report to the registry.
error-ballot_registration_open = Registration is still open: the ballot is fixed once it closes (RES-02).
error-ballot_wrong_council_kind = This ballot is not for this kind of council.
error-ballot_order_mismatch = The order must name every party with a registered list exactly once.
error-ballot_unknown_party = A party of the ballot is unknown.
error-ballot_duplicate_list = A party has more than one registered list for this council.
error-ballot_unknown_district = A registered nomination names a district the council does not have.
