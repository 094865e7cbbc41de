# shailoo: the rules of the election — the page /rules, the texts of every coded finding
# (voters, candidates, districts, protocols), the rule parameters and the steps of a seat
# allocation. The keys are the domain's message keys; the same in ky, ru and en (a test checks).

## The page /rules
nav-rules = Rules
rules-title = Rules and parameters
rules-lead = What the system checks, and the choices it makes where the law leaves a question open. Every finding has a stable code and the rule it implements; the rule ids refer to the rule book of the project.
rules-api-link = The same information as JSON
rules-contents = Contents of the page
rules-params-title = Configurable rule parameters
rules-params-intro = Each of these values is a named parameter of the election's configuration. The confidence says how firmly the sources establish the rule; a value marked "unsure" is a documented choice that the CEC may change.
rules-col-rule = Rule
rules-col-parameter = Parameter
rules-col-confidence = Confidence
rules-col-value = Value in force
rules-col-default = Default
rules-col-code = Code
rules-col-kind = Kind
rules-col-text = What it means
rules-col-lines = Protocol lines
rules-changed = changed
rules-confidence-seed = seed
rules-confidence-sure = sure
rules-confidence-likely = likely
rules-confidence-unsure = unsure
rules-confidence-seed-help = stated in the CEC's own announcement of the election.
rules-confidence-sure-help = stated by the law or by several consistent official sources.
rules-confidence-likely-help = inferred from official figures or from a single secondary source.
rules-confidence-unsure-help = not found in the sources: a named choice with a documented default.
rules-kind-error = error
rules-kind-warning = warning
rules-kind-refusal = ground for refusal
rules-kind-data_error = data error
rules-kind-pending = check pending
rules-voter-title = Voter eligibility
rules-voter-intro = Why a person in the population register is not included in the list of voters. Every reason that applies is reported, not only the first; a data error is corrected in the register, it is not a legal ground for exclusion.
rules-candidate-title = Candidate eligibility
rules-candidate-intro = Grounds to refuse the registration of a candidate, and checks with the state registries that have not been answered yet (no decision is taken without them).
rules-party_list-title = Composition of party lists
rules-party_list-intro = Checks of a party list for a city council.
rules-district-title = Schemes of electoral districts
rules-district-intro = Checks of a scheme of electoral districts of an aiyl council. An error makes the scheme invalid; a warning asks for a second look.
rules-protocol-title = Control checks of results protocols
rules-protocol-intro = Checks a commission runs before accepting a protocol of a polling station. An error blocks acceptance (the numbers cannot all be true); a warning needs a look and a comment from the commission.
rules-lines-title = Lines of the results protocol
rules-seats-title = How seats are allocated: worked examples
rules-seats-intro = Every allocation comes with a step-by-step explanation. Two small examples, computed by the same code that allocates the real seats, with the parameters in force:
rules-seats-example-city = A city council of 9 seats, party lists A, B, C and D, 10000 voters took part
rules-seats-example-aiyl = An aiyl council district of 3 mandates, five candidates

## Voter eligibility (VOT)
voter-vot-01-not-citizen = Not a citizen of the Kyrgyz Republic.
voter-vot-02-under-age = Not yet 18 years old on voting day.
voter-vot-03-no-biometrics = Biometric registration has not been passed.
voter-vot-04-address-outside-community = The registered address is outside the territory of the council.
voter-vot-04-registered-too-late = The address was registered less than 60 days before voting day, without a residence stamp.
voter-vot-05-court-incapable = Declared legally incapable by a court.
voter-vot-05-imprisoned = Held in a place of deprivation of liberty by a court sentence.
voter-vot-06-duplicate-pin = The same PIN appears in more than one record.
voter-vot-10-pin-contradicts-register = The PIN's sex or birth date contradicts the register.

## Candidate eligibility (CAN)
candidate-can-01-under-age = Not yet 21 years old on voting day.
candidate-can-01-not-community-member = Not a member of the local community of the council.
candidate-can-01-no-secondary-education = Does not have general secondary education.
candidate-can-02-court-incapable = Declared legally incapable by a court.
candidate-can-02-imprisoned = Held in a place of deprivation of liberty by a court sentence.
candidate-can-02-unexpunged-conviction = Has a conviction that has not been expunged.
candidate-can-04-member-of-other-party = Nominated by a party while a member of another party.
candidate-can-05-multiple-candidacies = Nominated more than once in the same election.
candidate-can-08-not-citizen = Not a citizen of the Kyrgyz Republic.
candidate-can-08-citizenship-unchecked = Citizenship has not been checked yet.
candidate-can-08-community-unchecked = Membership of the local community has not been checked yet.
candidate-can-08-education-unchecked = Secondary education has not been checked yet.
candidate-can-08-criminal-record-unchecked = The criminal record has not been checked yet.
candidate-can-08-incapacity-unchecked = Legal capacity has not been checked yet.
candidate-can-08-imprisonment-unchecked = Imprisonment has not been checked yet.
candidate-can-08-party-membership-unchecked = Party membership has not been checked yet.
candidate-can-06-one-sex-over-share = More than the allowed share of the list's candidates are of one sex.
candidate-can-06-longer-than-seats = The list has more candidates than the council has seats.
candidate-can-06-shorter-than-minimum = The list has fewer candidates than the minimum.

## Schemes of electoral districts (DIS)
district-dis-03-duplicate-unit = A unit appears twice in the list of units.
district-dis-03-duplicate-district = A district appears twice.
district-dis-03-unknown-unit = A district names a unit that is not in the list of units.
district-dis-03-unknown-neighbor = A unit names a neighbour that is not in the list of units.
district-dis-03-unit-unassigned = A unit belongs to no district.
district-dis-03-unit-in-several-districts = A unit is assigned more than once.
district-dis-03-empty-district = A district has no units.
district-dis-03-not-contiguous = A district is not contiguous.
district-dis-03-seats-sum = The districts' mandates do not add up to the council's seats.
district-dis-01-no-voters = The council has no voters, so no norm of representation can be computed.
district-dis-01-deviation-exceeded = The district's voters per mandate deviate from the norm of representation by more than allowed.
district-dis-01-remote-without-remote-unit = The district is marked remote but none of its units is.
district-dis-03-asymmetric-adjacency = A unit names a neighbour that does not name it back.
district-dis-05-magnitude-out-of-range = The district's number of mandates is outside the allowed range.

## Control checks of protocols (RES-04, RES-05)
check-res-05-received-balance = Ballots received must equal ballots issued (at and outside the polling station) plus cancelled ballots.
check-res-05-found-exceeds-issued = More ballots were found in the boxes than were issued.
check-res-05-valid-invalid-balance = Valid plus invalid ballots must equal the ballots found in the boxes.
check-res-05-votes-balance = The votes per option (with the votes against all) must add up to the valid ballots.
check-res-05-took-part-exceeds-lists = More voters took part than there are voters on the lists.
check-res-04-against-all-missing = A party-list protocol must give the votes against all.
check-res-04-against-all-not-on-ballot = This ballot has no line against all.
check-res-04-duplicate-option = A party or candidate appears twice in the protocol.
check-res-04-option-kind-mismatch = A party-list protocol lists parties only, a district protocol candidates only.
check-res-05-took-part-differs-from-issued = The number of voters who took part differs from the number of ballots issued.
check-res-05-ballots-missing = Fewer ballots were found in the boxes than were issued.
check-res-05-mobile-exceeds-issued-outside = More ballots were found in the mobile boxes than were issued for voting outside the polling station.
check-res-05-turnout-over-main-list = More voters took part than there are voters on the main list.
check-res-05-turnout-high = Turnout is unusually high.
check-res-05-all-votes-to-one-option = All votes went to one option.

## Lines of the protocol (RES-04)
protocol-line-voters-on-list = Voters on the list of voters
protocol-line-voters-on-additional-lists = Voters on additional lists
protocol-line-ballots-received = Ballots received by the precinct commission
protocol-line-ballots-issued-at-station = Ballots issued to voters at the polling station
protocol-line-ballots-issued-outside = Ballots issued for voting outside the polling station
protocol-line-voters-took-part = Voters who took part in voting
protocol-line-ballots-cancelled = Cancelled ballots
protocol-line-ballots-in-mobile-boxes = Ballots found in mobile ballot boxes
protocol-line-ballots-in-stationary-boxes = Ballots found in stationary ballot boxes
protocol-line-valid-ballots = Valid ballots
protocol-line-invalid-ballots = Invalid ballots
protocol-line-votes = Votes for each party or candidate
protocol-line-against-all = Votes against all

## Rule parameters
param-vot-02-voter-min-age = The minimum age of a voter on voting day.
param-vot-02-leap-day-birthday = When a person born on 29 February reaches an age in a year without 29 February: on 28 February or on 1 March.
param-vot-04-registration-days-before-voting = How many days before voting day an address must have been registered to make its holder a member of the local community.
param-can-01-candidate-min-age = The minimum age of a candidate on voting day.
param-can-06-list-max-share-one-sex = The largest share, in percent, of candidates of one sex on a party list.
param-can-06-list-max-length-is-seats = Whether a party list may have at most as many candidates as the council has seats.
param-can-06-list-min-length = The minimum number of candidates on a party list (0: no minimum).
param-dis-01-max-deviation = The largest deviation, in percent, of a district's voters per mandate from the norm of representation.
param-dis-01-max-deviation-remote = The same largest deviation for a remote or hard-to-reach district.
param-dis-04-reserved-share = The share of each district's mandates reserved for women.
param-dis-04-reserved-rounding = How the reserved share is rounded to whole mandates (up, down or to the nearest).
param-dis-05-district-min-seats = The fewest mandates an electoral district may have.
param-dis-05-district-max-seats = The most mandates an electoral district may have ("none": the size of the council).
param-res-03-aiyl-ballot-marks = How many marks a valid ballot of an aiyl council election may carry at most.
param-res-06-threshold = The threshold a party list must reach to take part in the allocation of seats, in percent.
param-res-06-threshold-base = What the threshold is a share of: the voters who took part in voting, or the valid votes.
param-res-08-tie-break = How a tie for the last seat is resolved: the commission draws lots, the system never picks at random.
param-res-09-unfilled-list-seats = Where the seats go that a party list is too short to fill: to the next largest remainders, or left vacant.
param-res-05-turnout-warning = Turnout, in percent of the voters on the lists, above which a protocol gets a warning.
param-cal-19-claim-decision-days = How many days a precinct commission has to decide a claim about the list of voters (0: the same day).
param-cal-19-claim-immediate-days-before-voting = From how many days before voting day on claims about the list of voters are decided immediately.
param-cmp-06-appeal-filing-days = How many days there are to file an appeal against a decision.
param-cmp-06-appeal-decision-days = How many days there are to decide an appeal.
param-cmp-06-appeal-immediate-around-voting = Whether appeals on voting day and just after it are decided immediately.

## The steps of a seat allocation (RES-, DIS-04); the variables are numbers and ids
seats-step-against_all = Votes against all: { $votes }. They count among the voters who took part but take no seat (RES-02).
seats-step-threshold = Threshold (RES-06): { $percent }% of the voters who took part ({ $took_part }); the least number of votes a list needs: { $minimum }.
seats-step-list_threshold = List { $list }, votes: { $votes }: { $outcome }.
seats-step-no_list_qualified = No list passed the threshold: the election has failed (RES-09).
seats-step-quota = Hare quota (RES-07): votes of the qualifying lists ({ $total_votes }) divided by the seats ({ $seats }) = { $quota } votes per seat.
seats-step-whole_seats = List { $list }: { $votes } votes divided by the quota gives whole seats: { $whole_seats }; remainder: { $remainder } votes.
seats-step-candidates_cap = List { $list } is entitled to whole seats: { $entitled }, but it has candidates: { $candidates }. It keeps as many seats as it has candidates; the rest go to the next largest remainders (RES-09).
seats-step-remainders_ranked = Seats remaining: { $remaining_seats }. Remainders, largest first: { $ranking }.
seats-step-remainder_seat = Remaining seat no. { $seat } goes to list { $list } (remainder: { $remainder }).
seats-step-remainder_round = More seats remain than lists with candidates left: lists { $lists } each take { $seats_each } more (RES-09).
seats-step-lots_applied = A tie for { $phase } (seats in question: { $seats }) among { $tied }: the recorded drawing of lots decided for { $winners } (RES-08).
seats-step-lots_required = A tie for { $phase } (seats in question: { $seats }) among { $tied }: the commission must draw lots (RES-08).
seats-step-list_seats = List { $list } receives seats: { $seats }.
seats-step-unfilled_seats = Seats left unfilled: { $seats }; no candidates are left to take them (RES-09).
seats-step-reserved_mandates = Mandates reserved for women: { $reserved } of { $seats } ({ $how }, DIS-04).
seats-step-fewer_women_than_reserved = Women running: { $women_running }, reserved mandates: { $reserved }; mandates passed to the other candidates: { $moved_to_open } (RES-10).
seats-step-reserved_seat = Mandate no. { $seat } (reserved for women): { $candidate }, votes: { $votes }.
seats-step-open_seat = Mandate no. { $seat }: { $candidate } ({ $sex }), votes: { $votes }.
seats-exhausted = Left out, having no candidates left (RES-09): { $lists }.
seats-threshold-passed = passes the threshold
seats-threshold-failed = below the threshold, takes no part in the allocation
seats-phase-remainder = the largest remainders
seats-phase-reserved = the mandates reserved for women
seats-phase-open = the open mandates
seats-reserved-by-default = at least 30%, rounded up
seats-reserved-as-given = as set for this election
seats-sex-female = woman
seats-sex-male = man
candidate-can-07-filed-late = Filed after the nomination deadline.
candidate-can-08-documents-deficient = The documents filed are missing or deficient.
param-can-08-candidacy-decision-days = Days the TEC has to decide on a nomination after it is filed (and before registration closes).
param-can-09-withdrawal-days-before-voting = A nomination or a candidate may be withdrawn until the end of the day this many days before voting day.
param-res-02-aiyl-ballot-order = The order of the candidates on an aiyl district ballot (alphabetical or by registration).
error-param_percent_over_100 = A percentage is at most 100.
error-param_too_small = This value is too small.
error-param_bad_share = A share is written like 3/10, and is at most 1.
error-param_magnitude_range = The most mandates of a district are fewer than the fewest.
error-param_share_below_half = Below 50 % no list could comply.
