//! Reading columns the same way from SQLite and PostgreSQL rows.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

use crate::{Result, StorageError};

/// Typed column access over both backends' rows. Integers are BIGINT on both.
pub(crate) trait RowExt {
    fn i64(&self, col: &str) -> Result<i64>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>>;
    fn string(&self, col: &str) -> Result<String>;
    fn opt_string(&self, col: &str) -> Result<Option<String>>;
    fn bool(&self, col: &str) -> Result<bool>;

    fn u16(&self, col: &str) -> Result<u16> {
        let v = self.i64(col)?;
        u16::try_from(v).map_err(|_| StorageError::Corrupt(format!("{col} = {v}")))
    }

    fn timestamp(&self, col: &str) -> Result<Timestamp> {
        let v = self.i64(col)?;
        Timestamp::from_second(v).map_err(|e| StorageError::Corrupt(format!("{col}: {e}")))
    }

    fn date(&self, col: &str) -> Result<Date> {
        parse_date(col, &self.string(col)?)
    }

    fn opt_date(&self, col: &str) -> Result<Option<Date>> {
        self.opt_string(col)?
            .map(|s| parse_date(col, &s))
            .transpose()
    }

    fn time(&self, col: &str) -> Result<Time> {
        let s = self.string(col)?;
        s.parse()
            .map_err(|e| StorageError::Corrupt(format!("{col} = {s}: {e}")))
    }
}

fn parse_date(col: &str, s: &str) -> Result<Date> {
    s.parse()
        .map_err(|e| StorageError::Corrupt(format!("{col} = {s}: {e}")))
}

macro_rules! impl_row_ext {
    ($t:ty) => {
        impl RowExt for $t {
            fn i64(&self, col: &str) -> Result<i64> {
                Ok(self.try_get::<i64, _>(col)?)
            }
            fn opt_i64(&self, col: &str) -> Result<Option<i64>> {
                Ok(self.try_get::<Option<i64>, _>(col)?)
            }
            fn string(&self, col: &str) -> Result<String> {
                Ok(self.try_get::<String, _>(col)?)
            }
            fn opt_string(&self, col: &str) -> Result<Option<String>> {
                Ok(self.try_get::<Option<String>, _>(col)?)
            }
            fn bool(&self, col: &str) -> Result<bool> {
                Ok(self.try_get::<bool, _>(col)?)
            }
        }
    };
}

impl_row_ext!(SqliteRow);
impl_row_ext!(PgRow);

/// Local dates are stored as `YYYY-MM-DD` text on both backends.
pub(crate) fn date_text(d: Date) -> String {
    d.to_string()
}

/// Local times are stored as `HH:MM:SS` text on both backends.
pub(crate) fn time_text(t: Time) -> String {
    t.strftime("%H:%M:%S").to_string()
}
