# Jenguk — English.

## Home page
app-name = Jenguk
home-title = Virtual visits for the families of people in detention
home-intro = Register once, book a visit, and talk by video from your phone's browser — nothing to install.
home-facilities = Detention centres and prisons offering virtual visits
home-no-facilities = No detention centre or prison is registered yet.
home-zone = Local time: { $zone }
home-hours-title = Visiting hours
home-staff = For staff: the API lives at /api/v1 (OpenAPI document at /api/openapi.json).
home-language = Language
home-lang-id = Bahasa Indonesia
home-lang-en = English
home-slot-minutes = Visit length: { $minutes } minutes
home-window = Book { $min }–{ $max } days ahead

## Facility kinds
facility-kind-rutan = Detention centre (Rutan)
facility-kind-lapas = Prison (Lapas)
facility-kind-lpka = Juvenile facility (LPKA)
facility-kind-cabang_rutan = Branch detention centre

## Common errors
error-internal = Something failed on our side. Please try again; if it keeps happening, give the staff reference { $reference }.
error-not-found = Nothing was found.
error-route-not-found = This address does not exist.
error-method-not-allowed = This request method is not allowed at this address.
error-malformed-json = The request body is not valid JSON: { $detail }
error-invalid-field = The field "{ $field }" is invalid: { $detail }
error-missing-token = Log in first: send the token in an Authorization: Bearer header.
error-invalid-token = The token is unknown or has expired. Please log in again.
error-bad-credentials = Wrong username or password.
error-forbidden = Your role may not do this.
error-other-facility = This record belongs to another facility; you can only access your own.
error-conflict = This already exists ({ $code }).
error-payload-too-large = The request body is too large.
error-unavailable = The service cannot reach its database right now. Try again shortly.

## Invalid input
invalid-nik-length = A NIK has 16 digits.
invalid-nik-digits = A NIK has only digits.
invalid-nik-province = The first two digits of the NIK are not a known province code.
invalid-nik-region = The regency/city or district code in the NIK is invalid.
invalid-nik-birth-date = The date of birth in the NIK (digits 7 to 12) is invalid.
invalid-nik-future = The date of birth in the NIK lies in the future.
invalid-nik-serial = The last four digits of a NIK cannot be 0000.
invalid-phone = The phone number cannot be read. Write it like 0812 3456 7890.
invalid-phone-not-mobile = Use an Indonesian mobile number (starting 08 or +62 8), not a landline.
invalid-name = A name is required (at most 100 characters) without < > { "{" } { "}" } [ ] / \ ;
invalid-reg-number = Invalid registration number (at most 40 letters, digits, spaces, dots, slashes).
invalid-facility-code = A facility code is 3–40 capital letters, digits and dashes, starting with a letter (e.g. RUTAN-SERANG).
invalid-date = Write dates as YYYY-MM-DD (e.g. 2026-12-01).
invalid-time = Write times as HH:MM (e.g. 08:30).
invalid-timestamp = Write instants in RFC 3339 (e.g. 2026-12-01T08:00:00+07:00).
invalid-enum = "{ $value }" is not a known value for { $field }.
invalid-date-range = Invalid date range (at most 62 days, end not before start).
invalid-unknown-time-zone = Unknown time zone. Use Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).
invalid-booking-window = Invalid booking window (minimum above maximum, or maximum over 365 days).
invalid-cutoff = The booking cut-off is at most 7 days (10080 minutes) before a visit.
invalid-name-required = A name is required.
invalid-end-before-start = The end time must be after the start time.
invalid-slot-length = Slots must be 5–120 minutes long and fit in the session.
invalid-capacity = Capacity must be 1–100 booths.
invalid-validity-range = The valid-to date cannot be before the valid-from date.
invalid-reason = A reason is required (at most 500 characters).
invalid-reason-required = This action needs a reason.
invalid-permit-required = For a pre-trial detainee, the detaining authority's visit permit number and its expiry date must be recorded.
invalid-permit-number = Invalid permit number (at most 80 characters).
invalid-username = A username is 3–40 lower-case letters, digits, dots, underscores or dashes.
invalid-password-too-short = A password has at least 10 characters.
invalid-facility-required = This role must belong to one facility.
invalid-booth-name = A booth needs a name (at most 60 characters).
invalid-link-not-pending = This request has already been decided.
invalid-inmate-released = This person has been released.
invalid-visit-started = The visit has started or is over, so it can no longer be cancelled.
invalid-too-early = Too early: this is possible from 30 minutes before the visit starts.
invalid-visit-transition = A visit that is "{ $from }" cannot be changed this way.
invalid-people = The number of people must be 1 to 10.
invalid-visit-code = A visit code has 8 letters or digits, e.g. ABCD-2345.
invalid-role = Unknown role. Choose national_admin, facility_admin, operator or officer.

## Conflicts
conflict-facility_code_taken = This facility code is taken.
conflict-booth_name_taken = A booth of this facility already has this name.
conflict-reg_number_taken = This registration number is already registered at this facility.
conflict-nik_taken = This NIK is already registered.
conflict-phone_taken = This mobile number is already registered.
conflict-link_exists = This visitor has already asked for, or has, a link to this person.
conflict-username_taken = This username is taken.
conflict-date_already_excluded = This date is already closed.

## Booking refusals
refusal-no_such_slot = There is no visiting slot at that time.
refusal-slot_full = This slot is full. Please choose another time.
refusal-inmate_busy = The person you visit already has another visit at that time.
refusal-visitor_busy = You already have another visit at that time.
refusal-inmate_quota = The weekly visit allowance of the person you visit is used up for that week.
refusal-visitor_quota = Your weekly visit allowance at this facility is used up for that week.
refusal-not_approved = You are not yet approved as a visitor of this person.
refusal-permit_missing = Visiting a pre-trial detainee needs the detaining authority's permit, valid on that date.
refusal-inmate_suspended = Visits to this person are suspended on that date.
refusal-inmate_not_held = This person is not (or no longer) held at this facility.
refusal-visitor_banned = You are banned from visiting on that date.
refusal-outside_window = This time is outside the facility's booking window.
refusal-past_cutoff = Booking for this slot has closed; book before the cut-off.
refusal-wrong_visit_kind = Wrong kind of visit: legal sessions are for counsel only, and counsel books legal visits.
refusal-too_many_people = More visitors than the facility allows.

## Rate limits
rate-limited-login-code-phone = Too many code requests for this number. Wait 15 minutes and try again.
rate-limited-login-code-ip = Too many code requests from this network. Try again later.
rate-limited-code-tries = Too many wrong codes. Ask for a new code.
invalid-code-wrong = Wrong code. Check your WhatsApp message again.
invalid-code-expired = This code is no longer valid. Ask for a new code.

## WhatsApp
error-whatsapp-off = The WhatsApp channel is not configured on this server.
error-bad-signature = The X-Hub-Signature-256 signature does not match.
outbox-title = WhatsApp messages (demo)
outbox-intro = The WhatsApp channel is not configured, so messages wait here. Once it is, they are all sent.
outbox-empty = No messages yet.
