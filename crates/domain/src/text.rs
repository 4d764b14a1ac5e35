//! Free text typed by people: names, reasons.

use serde::{Deserialize, Serialize};

/// Why a piece of text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Empty once white space is trimmed.
    #[error("empty")]
    Empty,
    /// Longer than allowed.
    #[error("too long")]
    TooLong,
    /// Contains control characters or characters that cannot be part of a name.
    #[error("invalid characters")]
    InvalidCharacters,
}

/// A person's name as they write it: trimmed, inner white space folded, 1–100 characters,
/// no control characters, no bidirectional overrides (which make a name read as another) and
/// none of `<>{}[]\\/;` (names are shown on staff screens).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = 100;

    /// Parses a name typed by a person.
    pub fn parse(s: &str) -> Result<Self, TextError> {
        let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(TextError::Empty);
        }
        if folded.chars().count() > Self::MAX_CHARS {
            return Err(TextError::TooLong);
        }
        if folded
            .chars()
            .any(|c| c.is_control() || is_bidi_control(c) || "<>{}[]\\/;".contains(c))
        {
            return Err(TextError::InvalidCharacters);
        }
        Ok(Self(folded))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PersonName {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}

impl std::fmt::Display for PersonName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Trims a free-text reason and checks its length (1–500 characters, no control characters
/// other than newlines, no bidirectional overrides).
pub fn parse_reason(s: &str) -> Result<String, TextError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TextError::Empty);
    }
    if t.chars().count() > 500 {
        return Err(TextError::TooLong);
    }
    if t.chars()
        .any(|c| (c.is_control() && c != '\n') || is_bidi_control(c))
    {
        return Err(TextError::InvalidCharacters);
    }
    Ok(t.to_string())
}

/// Invisible formatting characters that phones and chat apps put into copied numbers: zero-width
/// spaces and joiners, the word joiner, the byte-order mark, and the bidirectional marks
/// (contacts apps wrap numbers in U+202A…U+202C). None of them is white space for Rust.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Bidirectional embeddings, overrides and isolates: they reorder what a screen shows, so a
/// name or reason could read as something else ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}
