# Media accreditation (CMP-01…CMP-03): an outlet's application with its price list.

error-media_bad_id = There is no such media outlet.
error-media_unknown_outlet = There is no such media outlet.
error-media_no_prices = The price list states no election price: an application states the outlet's prices (CMP-01).
error-media_price_breaches = The price list breaches CMP-02: each breach is listed with its lines; the outlet files a corrected list.
error-media_already_decided = The application has already been decided.
error-media_not_accredited = Only an accredited outlet's accreditation is revoked.
error-media_own_application = You entered this application: another member of the CEC must decide it.
error-media_empty_text = A text field is empty.
error-media_bad_text = A text field is too long (at most 2000 characters) or holds control characters.
