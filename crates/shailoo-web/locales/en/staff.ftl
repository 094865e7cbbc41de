# What staff find their way by: the staff menu, the page of a refused action, and each power
# read aloud (the authorization table, shailoo_app::authz). English.

nav-staff = Staff menu
menu-override = Move a deadline
menu-rule-parameters = Rule parameters
menu-accessibility = Accessibility of stations
menu-district-drafts = District schemes
menu-district-review = Review of district schemes
menu-remote-voting = Remote voting
menu-claims = Voter-list claims
menu-check-in = Check-in

page-error-back = Back to the previous page
page-error-staff-menu = Your pages
refusal-role = Your account ({ $role }) may not { $action }.
refusal-outside = Your account ({ $role }) may { $action } only within its own commission's area, and this belongs to another commission.
refusal-who = Who may: { $holders }.
refusal-grant-cec_admin-anywhere = CEC administrators, everywhere
refusal-grant-cec_admin-below = CEC administrators
refusal-grant-tec_member-anywhere = TEC members, everywhere
refusal-grant-tec_member-below = TEC members, in their own territory
refusal-grant-pec_member-anywhere = PEC members, everywhere
refusal-grant-pec_member-below = PEC members, at their own station
refusal-grant-party_representative-own-party = a party's authorised representative, for that party's nominations
refusal-grant-none = No account may do this on the web: the operator does it at the command line.

power-add-station = add a polling station
power-override-deadline = move a deadline of the election calendar
power-add-user = add a staff account
power-view-register = see the voter register page
power-import-register = import an extract of the population register
power-view-register-jobs = follow register imports and compilations
power-compile-lists = compile the voter lists
power-publish-lists = publish the preliminary voter lists
power-post-lists = record the posting of the lists at the stations
power-freeze-lists = make the voter lists final
power-print-voter-list = print a station's voter list
power-draft-districts = draft and submit a district scheme
power-view-district-drafts = look at draft district schemes
power-decide-districts = approve or return a district scheme
power-view-remote-applications = see remote-voting applications
power-file-remote-application = file or cancel a remote-voting application for a voter
power-decide-remote-application = approve or reject a remote-voting application
power-set-remote-capacity = set the places of a remote-voting station
power-file-claim = file a voter-list claim
power-decide-claim = decide a voter-list claim
power-view-claims = see voter-list claims
power-view-amendments = see a voter's amendment history
power-view-passport-copy = open a claim's passport copy
power-check-in-voters = check voters in on voting day
power-record-access-survey = record a survey of a station's premises
power-view-access-overview = see which stations lack what voters with disabilities need
power-set-rule-parameters = set the rule parameters of an election
power-manage-parties = register political parties
power-add-party-representative = accredit a party's authorised representative
power-file-nomination = prepare and submit a party's nominations
power-withdraw-nomination = withdraw a nomination or one of its candidates
power-view-nominations = see nominations with their checks and documents
power-decide-nomination = register a nomination or refuse it
power-recheck-nomination = run a nomination's registry checks again
power-cancel-registration = cancel a candidate's registration
power-set-ballot-order = set the order of the parties on the ballot
power-file-complaint = enter a complaint or an appeal handed in on paper
power-assign-complaint = assign a complaint to a member of the commission
power-decide-complaint = decide a complaint addressed to the commission
power-record-court-act = record an appeal to the court and the court's act
power-view-complaints = see complaints with the complainant's name and contact
power-file-media-application = enter a media outlet's application for accreditation
power-decide-media-accreditation = accredit, refuse or revoke a media outlet
# i16-badges
power-issue-media-badges = register an accredited outlet's journalists and issue, print or revoke their badges
power-record-campaign-places = record the places for printed campaign material at polling stations
power-enter-protocol = enter a polling station's results protocol
power-decide-protocol = accept, return or correct a results protocol
power-determine-results = determine a council's election result
power-import-protocols = import accepted results protocols from a file
power-import-preliminary-results = import the preliminary counts of the ballot-counting boxes

checkin-entry-intro = Choose the polling station whose voters you check in on voting day.
checkin-entry-station = Polling station number
checkin-entry-go = Open
districts-drafts-intro = The aiyl councils whose district schemes you draft or look at, and where each scheme stands.
districts-drafts-empty = No aiyl council in your area.

override-decision = CEC decision number
override-decision-hint = The number of the CEC decision that moves this deadline, as written on it (e.g. 12/345-р).
calendar-overridden-by = changed by CEC decision № { $decision }
error-bad_decision_number = Enter the number of the CEC decision: 1 to 40 characters.

# Election funds and violation reports (CMP-04, CMP-07).
menu-funds = Election funds
menu-violations = Violation reports
power-keep-fund-accounts = keep an election fund's accounts and submit its reports
power-take-violation-report = take a violation report from the hotline 1255, an e-mail or a visit
power-handle-violation-report = triage, assign and close violation reports
# i15-public: the public results log and open data
power-publish-results = sign the public results log and export the open data
