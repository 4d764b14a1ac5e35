# Family portal: booking, my visits, the join page, rating, and my data.

## Page titles
fv-title-visits = My visits
fv-title-visit = Your visit
fv-title-book = Book a visit
fv-title-move = Change the visit's time
fv-title-cancel = Cancel the visit
fv-title-rate = Rate the visit service
fv-title-join = Video visit
fv-title-data = My data

## Shared
fv-error-form = The form could not be read. Reload the page and try again.
fv-visit-place = { $inmate } at { $facility }
fv-back-list = Back to my visits
fv-done-cancelled = The visit is cancelled. The receipt was sent on WhatsApp.
fv-done-moved = The time is changed. This is the new visit code; the old one no longer works.
fv-done-rated = Thank you for your rating.

## Visit status
fv-status-requested = Waiting for the facility to confirm
fv-status-booked = Confirmed
fv-status-checked_in = Checked in
fv-status-in_call = In progress
fv-status-completed = Completed
fv-status-cancelled = Cancelled
fv-status-no_show = Did not attend
fv-status-refused = Refused by the inmate
fv-status-terminated = Ended by staff
fv-status-rejected = Rejected by the facility
fv-reason-moved = moved to another time
fv-reason-deleted = account deleted

## Visitor request status
fv-link-status-pending = Waiting for approval
fv-link-status-approved = Approved
fv-link-status-rejected = Rejected
fv-link-status-revoked = Withdrawn

## My visits
fv-list-book = Book a visit
fv-list-no-approved = You are not yet approved to visit anyone. Once staff approve your request, the book button appears here.
fv-list-book-button = Choose a time
fv-list-links = See or make a request to visit
fv-list-upcoming = Upcoming visits
fv-list-no-upcoming = No visits booked yet.
fv-list-open = See code and link
fv-list-past = History
fv-list-rate = Rate
fv-list-details = Details

## One visit
fv-visit-status = Status
fv-visit-code = Visit code
fv-visit-code-explain = Show or tell this code to staff. It is secret: do not share it, and never pay anyone for it.
fv-visit-requested = The facility will confirm this visit. You will hear on WhatsApp.
fv-visit-when = When
fv-visit-where = Where
fv-visit-who = Visiting
fv-visit-length = { $minutes } minutes
fv-visit-people = { $count } visitor(s)
fv-visit-join-title = Join the video call
fv-visit-join-explain = At the time, open this link in your phone's browser. No app to install.
fv-visit-join-button = Open the visit page
fv-visit-qr-label = QR code of the visit link
fv-visit-qr-explain = Or scan this QR code with another phone's camera.
fv-visit-calendar = Add to calendar
fv-visit-change-title = Change or cancel
fv-visit-move = Change the time
fv-visit-cancel = Cancel
fv-visit-late = This visit can no longer be changed or cancelled on Jenguk: the limit is { $minutes } minutes before the start. Contact the facility if needed.
fv-visit-rate = Rate the service
fv-visit-rated = You have rated this visit. Thank you.

## Calendar file
fv-ics-summary = Virtual visit — { $facility }
fv-ics-description = Visit code: { $code }. At the time, open { $link } in your phone's browser.
fv-ics-alarm = Virtual visit starts in 30 minutes.

## Cancelling
fv-cancel-question = Do you really want to cancel this visit?
fv-cancel-explain = The place goes to another family. You can book another time if the week's allowance is not used up.
fv-cancel-confirm = Yes, cancel the visit
fv-cancel-keep = Keep the visit
fv-cancel-late = A visit cannot be cancelled on Jenguk less than { $minutes } minutes before it starts. Contact the facility if you cannot come.
fv-cancel-not-possible = This visit can no longer be cancelled (it has started, ended or been cancelled).

## Booking and moving
fv-book-intro = Visit to { $inmate } at { $facility }.
fv-book-zone = All times are local time at { $facility } ({ $zone }). Each visit lasts { $minutes } minutes.
fv-book-people-hint = Everyone must sit in front of the same phone.
fv-book-companions = Who is coming with you?
fv-book-companions-intro = Every visitor's identity is checked. If someone is coming with you, write their name below (at most { $count } people). Leave it empty if you visit alone.
fv-book-companion-legend = Co-visitor { $n } (if any)
fv-book-companion-name = Full name as on the ID card (KTP)
fv-book-companion-rel = Relationship to the inmate
fv-book-companion-rel-choose = Choose the relationship
fv-book-companion-nik = Last 4 digits of the NIK (optional)
fv-book-companion-nik-hint = Only the last 4 digits; the full NIK is not stored.
fv-book-companion-name-required = Write this co-visitor's full name, or leave the whole row empty.
fv-book-companion-name-long = This name is too long (at most 100 characters).
fv-book-companion-name-invalid = This name contains signs that cannot be part of a name. Write the name as on the ID card.
fv-book-companion-rel-required = Choose this co-visitor's relationship to the inmate.
fv-book-companion-nik-invalid = Write exactly 4 digits (the last digits of the NIK), or leave it empty.
fv-visit-companions = Coming along
fv-visit-companion = { $name } ({ $relationship })
fv-visit-companion-nik = { $name } ({ $relationship }, NIK ending in { $digits })
fv-book-choose = Choose a free time
fv-book-choose-hint = Open a date, then tap the time to book it.
fv-book-day-free = { $count } free
fv-book-none = No free times in the booking window yet. Try again tomorrow: new days open every day.
fv-book-none-yours = The free times in the booking window fall in weeks whose allowance you have used (at most { $count } visit(s) a week at this facility), or clash with your other visits. Try again after your next visit.
fv-book-refused = This time cannot be booked:
fv-book-alternatives = The next free times
fv-book-pick = Choose one of the times below.
fv-book-no-link = This request was not found. Choose the inmate from your visits page.
fv-book-link-pending = Your request to visit has not been approved yet. You can book once it is; you will hear on WhatsApp.
fv-book-link-refused = Your request to visit this inmate was not approved, so you cannot book a visit. See the reason on the requests page.
fv-move-intro = Current time: { $time }. Choose a new time; if it cannot be booked, the current one stays.
fv-move-not-possible = This visit can no longer be changed (it has started, ended or been cancelled).
fv-move-late = A visit cannot be moved on Jenguk less than { $minutes } minutes before it starts.
fv-move-same = That is your current time. Choose another one.

## Rating (public-service satisfaction survey)
fv-rate-intro = Your rating helps the facility improve its service. Choose one answer for each question.
fv-skm-booking = How easy was it to book the visit?
fv-skm-information = How clear was the information about the rules and how to visit?
fv-skm-timeliness = How punctually did the visit start and end?
fv-skm-call = How good were the picture and sound of the video call?
fv-skm-score-1 = Poor
fv-skm-score-2 = Fair
fv-skm-score-3 = Good
fv-skm-score-4 = Very good
fv-rate-comment = Suggestions or complaints (optional)
fv-rate-anonymous = Survey reports to management do not contain your name.
fv-rate-send = Send rating
fv-rate-missing = Choose one answer for each question.
fv-rate-not-yet = A visit can be rated once it has taken place.

## Join page
fv-join-starts-in = The visit starts in
fv-left-days = { $count } day(s) { $hours } h
fv-left-hours = { $hours } h { $minutes } min
fv-left-minutes = { $minutes } min
fv-join-will-open = The video call will open on this page at the time. Keep this page open.
fv-join-reload = Refresh now
fv-join-auto = This page refreshes itself until the visit starts.
fv-join-auto-off = Stop refreshing automatically
fv-join-requested = This visit is still waiting for the facility to confirm.
fv-join-open = It is time. The video call opens here; wait until staff connect you.
fv-join-ended = This visit has ended. Thank you.
fv-join-cancelled = This visit was cancelled, so it cannot be opened.
fv-join-not-found = This visit code was not found. Check the link or code in your WhatsApp message.
fv-join-too-many = Too many wrong codes from this network. Wait 10 minutes, then open the link from your WhatsApp message again.
fv-join-tips-title = Getting ready
fv-join-tip-browser = Use an up-to-date Chrome or your phone's own browser.
fv-join-tip-permission = When asked, allow the camera and microphone.
fv-join-tip-place = Find a quiet, well-lit place; all visitors sit in front of the phone.
fv-join-tip-connection = Make sure the signal or Wi-Fi is good and the battery is charged.
fv-join-tip-rules = The call ends on time. Staff may see and hear family visits.

## My data
fv-data-intro = This is everything Jenguk stores about you. You can download it or delete your account.
fv-data-person = About you
fv-data-name = Name
fv-data-nik = NIK (masked)
fv-data-phone = Mobile number
fv-data-consent = Consent to the use of your data
fv-data-consent-value = { $time } (version { $value })
fv-data-consent-none = Not recorded
fv-data-banned = Banned from visiting until
fv-data-nik-note = Jenguk does not store your full NIK: only this masked form and a keyed fingerprint that cannot be reversed, to prevent double registration.
fv-data-links = Requests to visit
fv-data-visits = Visits
fv-data-none = None.
fv-data-rating = Your rating
fv-data-also = Besides, the WhatsApp messages sent to you and the history of your visits' status changes are kept for service audits.
fv-data-download = Download my data (JSON)
fv-data-delete-title = Delete account
fv-data-delete-explain = Upcoming visits will be cancelled, your requests withdrawn, and your name, NIK and mobile number deleted. Past visits stay as history without your identity. This cannot be undone.
fv-data-delete-confirm = I understand and want to delete my account
fv-data-delete-button = Delete my account
fv-data-delete-confirm-missing = Tick the box to confirm the deletion.
fv-data-deleted = Your account is deleted. Upcoming visits were cancelled and your personal data removed.
