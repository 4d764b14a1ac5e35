//! Visit codes: the secret a family holds to join one call in one time window.

/// Crockford's base32 alphabet (no I, L, O, U).
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Why a typed visit code was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VisitCodeError {
    /// Not 8 characters once the dash and spaces are removed.
    #[error("a visit code has 8 characters")]
    Length,
    /// A character outside Crockford's base32 alphabet.
    #[error("invalid character in visit code")]
    Character,
}

/// 8 Crockford base32 characters: 40 bits from a CSPRNG. Shown `XXXX-XXXX`; accepted in any
/// case, with or without the dash, reading `I`/`L` as `1` and `O` as `0`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VisitCode([u8; 8]);

impl VisitCode {
    /// Builds a code from 5 random bytes (40 bits). The caller draws them from a CSPRNG.
    pub fn from_random(bytes: [u8; 5]) -> VisitCode {
        let mut v: u64 = 0;
        for b in bytes {
            v = (v << 8) | u64::from(b);
        }
        let mut out = [0u8; 8];
        for (i, o) in out.iter_mut().enumerate() {
            let shift = 35 - 5 * i;
            *o = ALPHABET[((v >> shift) & 31) as usize];
        }
        VisitCode(out)
    }

    /// Parses a code as a person typed it.
    pub fn parse(input: &str) -> Result<VisitCode, VisitCodeError> {
        let mut out = [0u8; 8];
        let mut n = 0;
        for c in input.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(VisitCodeError::Character);
            }
            if n == 8 {
                return Err(VisitCodeError::Length);
            }
            out[n] = c as u8;
            n += 1;
        }
        if n != 8 {
            return Err(VisitCodeError::Length);
        }
        Ok(VisitCode(out))
    }

    /// The canonical 8 characters without the dash: how codes are stored and compared.
    pub fn as_str(&self) -> &str {
        // The bytes are all from ALPHABET, so ASCII.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl std::fmt::Display for VisitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = self.as_str();
        write!(f, "{}-{}", &s[..4], &s[4..])
    }
}

impl std::fmt::Debug for VisitCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A code is a secret: only its first two characters go to logs.
        write!(f, "VisitCode({}…)", &self.as_str()[..2])
    }
}
