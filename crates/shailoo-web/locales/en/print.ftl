# Printing a station's voter list (PDF).
print-heading = Voter list (PDF)
print-posting = List for posting at the station
print-signatures = List for issuing ballots (with signatures)
print-note = The list holds voters' personal data: do not share it beyond the work of this station's commission.
error-voter_lists_not_compiled = The voter lists have not been compiled yet.
error-bad_list_variant = Unknown kind of list (posting or signatures).
error-print_failed = The list could not be prepared for printing. Please try again.
error-bad_lang = Unknown language of the list (ky, ru or en).
