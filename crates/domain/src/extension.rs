//! Extending a visit on the day board: by 5, 10 or 15 minutes at a time, only while the
//! visitor is there (checked in or in the call), up to an hour in all.
//!
//! The booked slot (`start`–`end`) never changes: the extension is kept apart, and the call
//! and its booth are held until `end + extra minutes`. Whether the booth is free for that
//! long is a question for storage (the next visit in the same booth), not for this rule.

use jiff::{SignedDuration, Timestamp};

use crate::visit::VisitStatus;

/// The extensions an operator may choose, in minutes.
pub const EXTENSION_CHOICES: [u16; 3] = [5, 10, 15];

/// The most a visit may be extended by in all, in minutes.
pub const MAX_EXTRA_MINUTES: u16 = 60;

/// Why an extension is refused by the rule itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    /// Not one of [`EXTENSION_CHOICES`].
    #[error("an extension is 5, 10 or 15 minutes")]
    BadMinutes,
    /// The visitor is not there (booked, over, cancelled…).
    #[error("a visit that is {0:?} cannot be extended")]
    NotRunning(VisitStatus),
    /// It would take the extensions past [`MAX_EXTRA_MINUTES`].
    #[error("a visit is extended by an hour at most")]
    TooLong,
}

/// The visit's extra minutes after extending it by `minutes`, or why not.
pub fn extend(status: VisitStatus, extra: u16, minutes: u16) -> Result<u16, ExtensionError> {
    if !EXTENSION_CHOICES.contains(&minutes) {
        return Err(ExtensionError::BadMinutes);
    }
    if !matches!(status, VisitStatus::CheckedIn | VisitStatus::InCall) {
        return Err(ExtensionError::NotRunning(status));
    }
    let total = extra.saturating_add(minutes);
    if total > MAX_EXTRA_MINUTES {
        return Err(ExtensionError::TooLong);
    }
    Ok(total)
}

/// When a visit's call really ends: its booked end plus its extension.
pub fn call_end(end: Timestamp, extra_minutes: u16) -> Timestamp {
    end.saturating_add(SignedDuration::from_mins(i64::from(extra_minutes)))
        .unwrap_or(end)
}
