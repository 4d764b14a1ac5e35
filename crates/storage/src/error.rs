//! Storage errors: what the caller did wrong (shown to the user) apart from what went wrong
//! inside (logged).

use jenguk_domain::Refusal;
use jenguk_domain::visit::TransitionError;

/// What a storage call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// No such record (or not visible to the caller).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// A unique value is taken; the code names which (`facility_code_taken`, …).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The booking rules refused; every reason, sorted.
    #[error("booking refused: {0:?}")]
    Refused(Vec<Refusal>),
    /// The visit's state machine does not allow this change.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// The input is well formed but not acceptable (the code names why).
    #[error("invalid: {0}")]
    Invalid(&'static str),
    /// Too many attempts; the code names which limit (`login_code_phone`, `code_tries`, …).
    #[error("rate limited: {0}")]
    RateLimited(&'static str),
    /// Username or password wrong, token unknown or expired.
    #[error("unauthorized")]
    Unauthorized,
    /// Configuration problem (bad URL).
    #[error("configuration: {0}")]
    Config(String),
    /// Data in the database that does not parse (a bug or a hand edit).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// Something inside failed.
    #[error("internal: {0}")]
    Internal(String),
    /// The database failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl StorageError {
    /// Whether the database refused a write for a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StorageError::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

/// Maps a unique violation to a conflict with the given code, anything else through.
pub(crate) fn unique_as(code: &'static str) -> impl FnOnce(sqlx::Error) -> StorageError {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StorageError::Conflict(code),
        _ => StorageError::Db(e),
    }
}
