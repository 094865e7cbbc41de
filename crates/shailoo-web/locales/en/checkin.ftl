# Voting-day check-in at the station (VOT-06) and public turnout. English.

checkin-title = Check-in at polling station № { $station }
checkin-intro = After the biometric check, enter the voter's PIN. Issue a ballot only when the system confirms the check-in.
checkin-pin-label = Voter's PIN (14 digits)
checkin-submit = Check in
checkin-ok = Checked in: issue the ballot.
checkin-already-voted = Do not issue a ballot: this voter already received one at station № { $station } at { $time }.
checkin-not-this-list = Not on this station's list: the voter votes at station № { $station }.
checkin-not-on-list = This PIN is on no voter list of this election.
checkin-bad-pin = A PIN has 14 digits; please check what you typed.
checkin-closed = Check-in is possible only while voting is open (08:00–20:00 on voting day).
turnout-title = Turnout
turnout-intro = Voters who took part, cumulatively by each hour (Bishkek time), per polling station.
turnout-station = Station
turnout-total = Total
turnout-all = All stations
error-already_voted = The voter has already voted.
error-not_on_list = This PIN is on no voter list of this election.
error-not_on_this_list = The voter is not on this station's list.
error-voting_closed = Check-in is possible only while voting is open (08:00–20:00 on voting day).
error-unknown_station = Unknown polling station.
checkin-row = Row on the list
checkin-name = Voter
