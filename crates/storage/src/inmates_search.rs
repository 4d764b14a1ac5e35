//! The console's inmate search: text, legal status, state (active, suspended, released),
//! one page and the count of all matches.

use jenguk_domain::{FacilityId, Inmate, InmateStatus};
use jiff::civil::Date;

use crate::inmates::{inmate, like_patterns, select_inmate};
use crate::row::date_text;
use crate::{Db, Result, on_pool};

/// Where an inmate stands, for the console's filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InmateState {
    /// Held, visits allowed.
    Active,
    /// Held, visits suspended today.
    Suspended,
    /// Released.
    Released,
}

impl InmateState {
    /// The stable name (query strings).
    pub fn as_str(self) -> &'static str {
        match self {
            InmateState::Active => "active",
            InmateState::Suspended => "suspended",
            InmateState::Released => "released",
        }
    }

    /// Inverse of [`InmateState::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "active" => InmateState::Active,
            "suspended" => InmateState::Suspended,
            "released" => InmateState::Released,
            _ => return None,
        })
    }
}

/// The console's search: text, legal status, state, a page.
#[derive(Debug, Clone, Default)]
pub struct InmateFilter {
    /// A part of the name, or the start of the registration number.
    pub query: Option<String>,
    /// Tahanan or narapidana.
    pub status: Option<InmateStatus>,
    /// Active, suspended or released (suspension as of `today`).
    pub state: Option<InmateState>,
    /// The facility's local date today.
    pub today: Option<Date>,
    /// At most this many (capped at 200).
    pub limit: i64,
    /// Skip this many.
    pub offset: i64,
}

impl Db {
    /// The console's inmate list: one page and the number of all matches.
    pub async fn find_inmates(
        &self,
        facility_id: FacilityId,
        f: &InmateFilter,
    ) -> Result<(Vec<Inmate>, i64)> {
        let (name_like, reg_like) = like_patterns(f.query.as_deref());
        let today = f.today.map(date_text).unwrap_or_default();
        let state = f.state.map(InmateState::as_str);
        let status = f.status.map(InmateStatus::as_str);
        macro_rules! filter {
            () => {
                "WHERE facility_id = $1 AND ($2 IS NULL OR name_search LIKE $2 ESCAPE '\\' OR reg_number LIKE $3 ESCAPE '\\')
                 AND ($4 IS NULL OR status = $4)
                 AND ($5 IS NULL
                      OR ($5 = 'released' AND released)
                      OR ($5 = 'suspended' AND NOT released AND visits_suspended_until > $6)
                      OR ($5 = 'active' AND NOT released AND (visits_suspended_until IS NULL OR visits_suspended_until <= $6)))"
            };
        }
        on_pool!(self, |p| {
            let total: i64 =
                sqlx::query_scalar(concat!("SELECT COUNT(*) FROM inmates ", filter!()))
                    .bind(facility_id.0)
                    .bind(name_like.as_deref())
                    .bind(reg_like.as_deref())
                    .bind(status)
                    .bind(state)
                    .bind(&today)
                    .fetch_one(p)
                    .await?;
            let rows = sqlx::query(select_inmate!(
                "WHERE facility_id = $1 AND ($2 IS NULL OR name_search LIKE $2 ESCAPE '\\' OR reg_number LIKE $3 ESCAPE '\\')
                 AND ($4 IS NULL OR status = $4)
                 AND ($5 IS NULL
                      OR ($5 = 'released' AND released)
                      OR ($5 = 'suspended' AND NOT released AND visits_suspended_until > $6)
                      OR ($5 = 'active' AND NOT released AND (visits_suspended_until IS NULL OR visits_suspended_until <= $6)))
                 ORDER BY name_search, id LIMIT $7 OFFSET $8"
            ))
            .bind(facility_id.0)
            .bind(name_like.as_deref())
            .bind(reg_like.as_deref())
            .bind(status)
            .bind(state)
            .bind(&today)
            .bind(f.limit.clamp(1, 200))
            .bind(f.offset.max(0))
            .fetch_all(p)
            .await?;
            Ok((rows.iter().map(inmate).collect::<Result<Vec<_>>>()?, total))
        })
    }
}
