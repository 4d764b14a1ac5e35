# The family portal: start page, login by phone, registration, and asking to visit an
# inmate.

## Shared
family-auth-bad-form = This form could not be read. Reload the page and try again.

## Start page
start-title = Virtual visits for the families of people in detention
start-intro = See and talk to your family member in a detention centre or prison by video, from your phone's browser — nothing to install, free of charge.
start-step-1 = Log in with your WhatsApp number, then give your name and NIK once.
start-step-2 = Find the person you want to visit and ask to be their visitor. Staff check your request.
start-step-3 = Once approved, choose a time. Your visit code comes by WhatsApp.
start-login = Log in or register
start-my-visits = My visits
start-facilities = Detention centres and prisons offering virtual visits
start-search-label = Find a detention centre or prison
start-search-hint = Name, city or province, e.g. Serang or Papua
start-search-button = Search
start-none = No detention centre or prison is registered yet.
start-no-match = No detention centre or prison matches "{ $query }". Check the spelling or try a city name.
start-more = Showing { $count } of { $max }. Type a name, city or province to narrow the list.
start-zone = Local time: { $zone }
start-hours = Family visiting hours
start-hours-none = No visiting hours yet.
start-hours-legal = Legal visits:
start-day-hours = { $weekday }: { $hours }
start-rules = Visiting rules
start-rule-length = A visit lasts { $minutes } minutes.
start-rule-length-range = A visit lasts { $min }–{ $max } minutes.
start-rule-window = Book { $min }–{ $max } days ahead.
start-rule-cutoff-hours = Booking and cancelling close { $hours } hours before the visit.
start-rule-cutoff-minutes = Booking and cancelling close { $minutes } minutes before the visit.
start-rule-quota-inmate = Each person held may have at most { $count } family visits a week.
start-rule-quota-visitor = Each visitor may make at most { $count } visits a week here.
start-rule-people = At most { $count } people in one visit.
start-rule-approval = Only visitors approved by staff for that person can book.
start-rule-tahanan = A pre-trial detainee (tahanan) may be visited only with a written permit from the detaining authority: police, prosecutor or court.
start-choose = Ask to visit someone at { $facility }

## Login
login-title = Log in
login-intro = Enter the mobile number you use for WhatsApp. We send a 6-digit code by WhatsApp; no password needed.
login-phone = Mobile number (WhatsApp)
login-phone-hint = For example 0812 3456 7890 or +62 812 3456 7890
login-phone-required = Enter your mobile number.
login-send = Send the code by WhatsApp
login-new-here = Never registered? Log in the same way. Afterwards we ask for your name and NIK.
code-title = Enter the code
code-sent = We sent a 6-digit code by WhatsApp to { $phone }. It is valid for { $minutes } minutes.
code-sent-unknown = Enter your mobile number and the 6-digit code we sent you by WhatsApp.
code-label = Code from WhatsApp
code-hint = 6 digits, e.g. 123456
code-required = Enter the 6-digit code from the WhatsApp message.
code-submit = Log in
code-resend-title = No code received?
code-resend-intro = Check that the number is right and WhatsApp is on, then ask for a new code. The old code stops working.
code-resend = Send the code again
code-resent = A new code was sent by WhatsApp.
code-other-number = Use another number
code-demo = Demo server: WhatsApp messages appear on the page

## Registration
register-title = Register as a visitor
register-intro = Fill this in as on your e-KTP. Staff check these details against your identity.
register-phone = Mobile number: { $phone } (confirmed)
register-name = Full name
register-name-hint = As on your e-KTP
register-name-required = Enter your full name.
register-nik = NIK
register-nik-hint = The 16 digits on your e-KTP or family card (Kartu Keluarga)
register-nik-required = Enter your NIK (16 digits).
register-nik-taken = This NIK is already registered with another mobile number. If it is yours, contact the visit service staff at the detention centre or prison.
register-errors = Please check the following:
register-consent-title = Consent to the use of your personal data
register-consent-what = What we keep: your name, your mobile number, and your NIK in masked form (e.g. 3171********0001) with a scrambled code that only matches the same NIK. Your full NIK is not stored.
register-consent-why = What for: to check visitors' identity as the visiting rules require, to arrange visits, and to send codes and notices by WhatsApp.
register-consent-who = Who sees it: only the staff of the detention centres or prisons where you ask to visit. Every staff access is logged.
register-consent-how-long = How long: as long as your account exists. If you delete it, your name, NIK and mobile number are erased; the visit history stays without your identity.
register-consent-rights = Your rights: see, download and delete your data at any time on the "My data" page. Deleting your account also withdraws this consent (Law 27/2022 on Personal Data Protection).
register-consent-version = Consent text version: { $version }
register-consent-label = I have read this and agree to the use of my personal data as described above.
register-consent-required = Tick the consent box to register. Without your consent we cannot keep your data.
register-submit = Register

## Asking to visit
link-title = The people you visit
link-intro = Ask to be a visitor of a person held. Staff check your request and tell you by WhatsApp.
link-sent = Request sent. Staff will check it and tell you by WhatsApp.
link-problem = Your request for { $name } was not sent: see below.
link-mine = Your requests
link-none = You have not asked to visit anyone yet.
link-status-pending = Waiting for staff to check
link-status-approved = Approved — you can book a visit
link-status-rejected = Rejected
link-status-revoked = Withdrawn
link-reason = Staff's reason: { $reason }
link-permit-needed = This person is a pre-trial detainee: staff need the number and expiry date of the detaining authority's visit permit before approving. Show the permit to the staff.
link-book = Book a visit
link-find = Find a person held
link-facility = Detention centre or prison
link-facility-choose = Choose a detention centre or prison
link-facility-required = Choose the detention centre or prison where the person is held.
link-query = Name or registration number
link-query-hint = At least 3 letters or digits, e.g. Ahmad or B.I 231
link-query-short = Type at least 3 letters or digits of the name or registration number.
link-search = Search
link-results = Search results at { $facility }
link-no-results = Nobody matching "{ $query }" at { $facility }. Check the spelling or try the registration number.
link-type-more = More than { $count } people match; only { $count } are shown. Type more of the name or the registration number.
link-reg = Registration no. { $value }
link-already = You have already asked to visit this person: { $value }.
link-relationship = Your relationship to { $name }
link-rel-parent = Parent (father or mother)
link-rel-spouse = Husband or wife
link-rel-child = Child
link-rel-sibling = Brother or sister
link-rel-other_family = Other family
link-rel-legal_counsel = Lawyer (with a power of attorney)
link-rel-required = Choose your relationship to this person.
link-tahanan = { $name } is a pre-trial detainee (tahanan). Visits need a written permit from the detaining authority (police, prosecutor or court). If you have it, enter its number below. If not, you can still ask; staff need the permit before approving.
link-permit-number = Visit permit number (if you have it)
link-permit-expires = Permit valid until (if you have it)
link-permit-expires-hint = The last day the permit covers, e.g. 31-12-2026
link-permit-date-invalid = The date cannot be read. Write it like 31-12-2026.
link-permit-past = This date has passed: the permit is no longer valid.
link-submit = Ask to be a visitor
