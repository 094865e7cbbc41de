# The complaints registry (CMP-05, CMP-06): complaints and appeals, their decisions and clock.

error-complaint_filed_too_late = The time to file ran out: a complaint or an appeal is filed within the days the law gives after the act (CMP-06).
error-complaint_act_date_required = A complaint about a decision or an action gives the date of the act.
error-complaint_act_in_future = The date of the act is after today.
error-complaint_before_calling = The act is dated before the election was called: it is not an act of this election.
error-complaint_bad_id = There is no such complaint.
error-complaint_unknown = There is no such complaint.
error-complaint_unknown_station = There is no polling station with this number.
error-complaint_station_outside_commission = This polling station is not in the area of the commission complained of.
error-complaint_unknown_nomination = There is no such nomination in this election.
error-complaint_unknown_claim = There is no such voter-list claim in this election.
error-complaint_own = You filed this complaint or appeal: another member of the commission must be assigned it and decide it.
error-complaint_assignee_not_member = The member assigned must be a member of the commission that hears the complaint.
error-complaint_already_decided = This step has already been decided.
error-complaint_not_decided = The complaint has not been decided yet: there is no decision to appeal.
error-complaint_no_further_appeal = The court's act is the last step: nothing further is appealed here (CMP-06).
error-complaint_court_required = An appeal against the CEC's decision names the court it goes to (CMP-06).
error-complaint_not_in_court = This step is heard by a commission: record its decision, not a court's act.
error-complaint_in_court = This step is heard by a court: record the court's act.
error-complaint_not_the_complainant = Only the complainant appeals a decision on their complaint.
error-complaint_empty_text = A text field is empty.
error-complaint_bad_text = A text field is too long (at most 4000 characters) or holds control characters.
error-complaint_document_missing = Attach the document of the decision.
error-complaint_document_too_large = The document is larger than 5 MB.
error-complaint_document_not_recognised = The document is not a PDF, JPEG or PNG file (the file's contents were checked, not its name).
error-complaint_unknown_value = A chosen value is not one of those offered.
