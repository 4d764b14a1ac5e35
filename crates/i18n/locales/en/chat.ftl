# The WhatsApp conversation (chat flow). English.
# Every variable is written on the first line of its message; long texts are put together from several messages.

## Menu and general
chat-welcome = Welcome to Jenguk, the virtual visiting service.
chat-menu-body = What would you like to do? Tap "Menu" or type a command, for example VISIT.
chat-menu-button = Menu
chat-list-button = Choose
chat-not-understood = Sorry, we did not understand that message.
chat-expired-choice = That choice is no longer valid.
chat-aborted = All right, this step has been stopped. To cancel a visit, type CANCEL once more.
chat-lang-set = Language: English. (Ketik ID untuk Bahasa Indonesia.)
chat-cmd-daftar-title = REGISTER
chat-cmd-daftar-desc = Register and ask to visit a person held
chat-cmd-kunjungan-title = VISIT
chat-cmd-kunjungan-desc = Book a video visit
chat-cmd-jadwal-title = SCHEDULE
chat-cmd-jadwal-desc = See your visits and requests
chat-cmd-ubah-title = MOVE
chat-cmd-ubah-desc = Move a visit to another time
chat-cmd-batal-title = CANCEL
chat-cmd-batal-desc = Cancel a visit
chat-cmd-bantuan-title = HELP
chat-cmd-bantuan-desc = How it works, visiting hours and contact
chat-cmd-lang-title = INDONESIA
chat-cmd-lang-desc = Ganti ke Bahasa Indonesia
chat-need-register = This number is not registered as a visitor yet. Type REGISTER to register first.

## Registration
chat-reg-ask-name = Visitor registration. Write your full name as on your ID card (KTP).
chat-reg-bad-name = That name cannot be used. Write your full name (at most 100 letters) without < > / \ ; or brackets.
chat-reg-ask-nik = Write your NIK: the 16 digits on your ID card (KTP) or family card (Kartu Keluarga).
chat-reg-bad-nik = The NIK is not right yet: { $reason }
chat-reg-nik-taken = This NIK is already registered with another mobile number. To use this number, please contact the visiting service staff at the facility.
chat-reg-done = Thank you, { $name }. Your details are saved (NIK { $nik }).
chat-reg-already = This number is already registered to { $name }. Now choose the person you want to visit.
chat-reg-ask-relationship = How are you related to the person you will visit?
chat-rel-parent = Parent
chat-rel-spouse = Husband/wife
chat-rel-child = Child
chat-rel-sibling = Brother/sister
chat-rel-other_family = Other family
chat-rel-legal_counsel = Legal counsel
chat-reg-ask-facility = Which detention centre or prison (Rutan/Lapas) holds the person?
chat-reg-ask-facility-search = Which detention centre or prison (Rutan/Lapas) holds the person? Type part of its name or city (at least 3 letters), for example SERANG.
chat-reg-facility-none = No facility matches "{ $query }". Try the name of the city or another part of the name.
chat-reg-facility-many = Too many facilities match "{ $query }". Type more of the name.
chat-reg-facility-chosen = Facility: { $facility }.
chat-no-facilities = No facility offers virtual visits yet.
chat-reg-ask-inmate = Type the name or registration number of the person held at { $facility } (at least 3 letters).
chat-search-too-short = Type at least 3 letters to search.
chat-reg-inmate-none = Nobody at { $facility } matches "{ $query }". Check the spelling or try the registration number.
chat-reg-inmate-many = More than 10 people match "{ $query }". Type more of the name, or the registration number.
chat-reg-inmate-pick = Choose the person you mean, or type another search.
chat-link-pending = We have received your request to visit { $inmate } at { $facility }; it waits for the staff's approval. You will get a message here as soon as it is approved or rejected.
chat-link-permit-note = { $inmate } is a pre-trial detainee: visits need a permit from the detaining authority (police, prosecutor or court). Hand that permit to the facility's staff.
chat-link-exists = You have already asked for, or are already on the list of, { $inmate }. Type SCHEDULE to see its status.
chat-link-released = { $inmate } has been released and can no longer be visited.

## Booking
chat-book-none-approved = You are not yet on the visitor list of anyone. Type REGISTER to ask.
chat-book-pending = Your request for { $inmate } still waits for the staff's approval. You will be told on WhatsApp.
chat-book-pick-inmate = Whom do you want to visit?
chat-book-for = Visit to { $inmate } at { $facility }.
chat-pick-day = Choose the day of the visit ({ $zone } time).
chat-day-desc = { $count } free times
chat-no-free-days = Sorry, there is no free time at { $facility } within the booking window. Please try again tomorrow.
chat-pick-slot = Choose the time of the visit on { $date } ({ $zone } time).
chat-slot-desc = { $count } places left
chat-slot-more = Later times…
chat-slot-first = Back to the start
chat-day-full = Every time on that day is taken. Choose another day.
chat-booked = Visit booked: { $time }, at { $facility }, with { $inmate }.
chat-code-follows = The visit code and the link to join come in the next message. Keep that message.
chat-refused = Sorry, that time cannot be booked:
chat-next-slots = The nearest free times. Choose one, or type MENU to stop.
chat-next-slots-none = There is no other free time within the booking window.

## Schedule
chat-schedule-title = Your upcoming visits:
chat-schedule-item = { $time } — { $inmate }, { $facility }
chat-schedule-code = Code { $code } · { $link }
chat-schedule-empty = You have no upcoming visits. Type VISIT to book one.
chat-schedule-links = Your requests:
chat-schedule-pending = Waiting for approval: { $inmate } ({ $facility })
chat-schedule-rejected = Rejected: { $inmate } ({ $facility }). Reason: { $reason }
chat-schedule-hint = Type MOVE to move or CANCEL to cancel a visit.

## Cancelling and moving
chat-cancel-none = There is no visit that can be cancelled.
chat-cancel-pick = Which visit do you want to cancel?
chat-cancel-confirm = Cancel the visit on { $time } with { $inmate } at { $facility }?
chat-yes-cancel = Yes, cancel it
chat-no-keep = No
chat-cancelled = The visit on { $time } is cancelled.
chat-cancel-kept = All right, the visit is not cancelled.
chat-visit-locked = This visit has started or is over, so it can no longer be changed.
chat-move-none = There is no visit that can be moved.
chat-move-pick = Which visit do you want to move?
chat-move-for = Moving the visit on { $time } with { $inmate }.
chat-moved = Visit moved to { $time }. The old visit is cancelled.
chat-same-slot = That is the time of your visit now. Choose another time.

## Help
chat-help-intro = Virtual visits over WhatsApp. Commands you can type:
chat-help-daftar = REGISTER (DAFTAR) — register as a visitor and ask to visit a person held
chat-help-kunjungan = VISIT (KUNJUNGAN) — book a video visit
chat-help-jadwal = SCHEDULE (JADWAL) — see your visits and requests
chat-help-ubah = MOVE (UBAH) — move a visit to another time
chat-help-batal = CANCEL (BATAL) — cancel a visit; during another step, CANCEL only stops that step
chat-help-menu = MENU or EXIT (KELUAR) — stop the current step
chat-help-lang = EN — English · ID — Bahasa Indonesia
chat-help-timeout = A conversation left for 30 minutes starts again from the beginning.
chat-help-hours = Visiting hours of { $facility } ({ $zone } time):
chat-help-day-hours = { $weekday }: { $hours }
chat-help-no-hours = Visiting hours are not set yet.
chat-help-contact = Other questions: contact the visiting service staff of { $facility } at the visiting service counter.
chat-help-no-facility = The visiting hours of your facility are shown here once you have registered (REGISTER).

## Dates and times
chat-weekday-1 = Monday
chat-weekday-2 = Tuesday
chat-weekday-3 = Wednesday
chat-weekday-4 = Thursday
chat-weekday-5 = Friday
chat-weekday-6 = Saturday
chat-weekday-7 = Sunday
chat-month-1 = January
chat-month-2 = February
chat-month-3 = March
chat-month-4 = April
chat-month-5 = May
chat-month-6 = June
chat-month-7 = July
chat-month-8 = August
chat-month-9 = September
chat-month-10 = October
chat-month-11 = November
chat-month-12 = December
chat-month-short-1 = Jan
chat-month-short-2 = Feb
chat-month-short-3 = Mar
chat-month-short-4 = Apr
chat-month-short-5 = May
chat-month-short-6 = Jun
chat-month-short-7 = Jul
chat-month-short-8 = Aug
chat-month-short-9 = Sep
chat-month-short-10 = Oct
chat-month-short-11 = Nov
chat-month-short-12 = Dec
chat-clock = { $hour }:{ $minute }
chat-datetime = { $weekday } { $day } { $month } { $year }, { $time } { $zone }
chat-date-long = { $weekday } { $day } { $month } { $year }
chat-day-title = { $weekday } { $day } { $month }
chat-when-short = { $weekday } { $day } { $month }, { $time }
