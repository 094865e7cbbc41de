# Voter look-up by PIN (VOT-09): the portal page, API errors and SMS 119 replies. English.
# SMS replies (sms-*) must fit 134 characters with the longest address: a test checks it.

nav-lookup = Where do I vote?
lookup-title = Where do I vote?
lookup-intro = Enter your personal identification number (PIN: 14 digits, printed in your passport) to see your polling station, its precinct election commission and your council.
lookup-pin-label = PIN (14 digits)
lookup-pin-hint = Spaces are fine: 2 0101 1990 00123.
lookup-submit = Find my station
lookup-result-title = Your polling station
lookup-station = Polling station
lookup-remote-note = You are registered to vote at a remote-voting station: you vote there, for your own council.
lookup-remote-station = Remote-voting station
lookup-home-station = Polling station of your address
lookup-sms-hint = Without internet: send your PIN by SMS to 119, free of charge. For a reply in Russian, start the message with РУ.
lookup-pin-empty = Please enter your PIN: 14 digits.
lookup-pin-wrong-length = A PIN has 14 digits; you typed { $count }.
lookup-pin-not-a-digit = A PIN has only digits; “{ $char }” is not one.
lookup-pin-bad-sex-digit = The first digit of a PIN is 1 or 2, not { $digit }.
lookup-pin-bad-birth-date = Digits 2–9 of a PIN are the date of birth (DDMMYYYY), and { $date } is not a date. Please check the PIN.
lookup-not-found = This PIN is not on any voter list. Please check it; if it is right, file a claim at your precinct election commission no later than { $date }.
lookup-not-found-undated = This PIN is not on any voter list. Please check it; if it is right, file a claim at your precinct election commission.
lookup-rate-limited = Too many look-ups from your network. Please try again in { $seconds } seconds.
error-voter_not_found = This PIN is not on any voter list.
error-rate_limited = Too many look-ups from this address; try again later (see Retry-After).

## SMS 119 replies
sms-found = Polling station No. { $number }: { $address }
sms-found-remote = Remote-voting station No. { $number }: { $address }
sms-help = Send your PIN (14 digits) to 119. For Russian: РУ and your PIN.
sms-malformed = Wrong PIN: it has 14 digits. Check it in your passport and send it again.
sms-not-found = This PIN is not on any voter list. Check it, or file a claim at your PEC by { $date }.
sms-not-found-undated = This PIN is not on any voter list. Check it, or file a claim at your PEC.
sms-rate-limited = Too many requests. Please write again a little later.
sms-unavailable = The service is temporarily unavailable. Please write again later.
lookup-hours = Voting day
lookup-hours-value = { $day }, { $opens }–{ $closes }
lookup-district = Electoral district
lookup-district-value = No. { $district } (mandates: { $seats })
sms-hours = Voting { $day }, { $opens }–{ $closes }
sms-district = District No. { $district }
sms-pec-phone = PEC: { $phone }
