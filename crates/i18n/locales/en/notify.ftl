# WhatsApp messages to families (rendered when sent).

notify-visit-booked =
    Your virtual visit is booked.
    Person visited: { $inmate }
    Place: { $facility }
    Time: { $time }
    Visit code: { $code }
    Open this link at the time (nothing to install): { $link }
    Keep this code and give it to no one. This service is free.
notify-visit-status =
    Jenguk receipt — visit { $code }
    { $change }
    Visit time: { $time }
    Recorded: { $at }, by { $by }.
    { $reason }
notify-status-cancelled = The visit was cancelled.
notify-status-checked_in = You have been checked in.
notify-status-in_call = The video call has started.
notify-status-completed = The visit is over. Thank you.
notify-status-no_show = The visit was recorded as not attended.
notify-status-refused = The person you visit declined the visit.
notify-status-terminated = The visit was ended by staff.
notify-status-rejected = The visit request was rejected.
notify-status-booked = The visit is confirmed.
notify-status-requested = The visit request was received.
notify-by-family = you
notify-by-facility = staff of { $facility }
notify-by-system = the Jenguk system
notify-reason = Reason: { $reason }
notify-link-approved = You are approved as a visitor of { $inmate } at { $facility }. You can now book a visit: type VISIT.
notify-link-rejected = Your request to visit { $inmate } at { $facility } was rejected. Reason: { $reason }. Contact the visiting service if you have questions.
notify-reminder =
    Reminder: your virtual visit with { $inmate } starts { $time }.
    Visit code: { $code }
    Open: { $link }
notify-login-code = Your Jenguk login code: { $code }. Valid for { $minutes } minutes. Never give this code to anyone, staff included.
