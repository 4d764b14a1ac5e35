//! The flows behind each command, as methods of the message being handled.

mod book;
mod help;
mod register;
mod visits;

use jenguk_domain::{Facility, FacilityId, Inmate, InmateId, VisitId, VisitStatus};
use jenguk_storage::{StorageError, VisitView};

use super::Ctx;

/// The number after `prefix` in an option id (`inm:12`).
pub(super) fn id_after(id: &str, prefix: &str) -> Option<i64> {
    id.strip_prefix(prefix)?.parse().ok()
}

/// The visit of a `vis:<id>` option.
pub(super) fn visit_id(id: &str) -> Option<VisitId> {
    id_after(id, "vis:").map(VisitId)
}

impl Ctx<'_> {
    /// The family's visits that can still be cancelled or moved, soonest first.
    pub(super) async fn changeable_visits(&self) -> Result<Vec<VisitView>, StorageError> {
        let Some(v) = &self.visitor else {
            return Ok(Vec::new());
        };
        Ok(self
            .db
            .visits_of_visitor(v.id, self.now)
            .await?
            .into_iter()
            .filter(|x| {
                matches!(x.visit.status, VisitStatus::Booked | VisitStatus::Requested)
                    && x.visit.start > self.now
            })
            .collect())
    }

    /// An inmate and their facility, for the texts.
    pub(super) async fn inmate_and_facility(
        &self,
        id: InmateId,
    ) -> Result<(Inmate, Facility), StorageError> {
        let inmate = self.db.inmate(id).await?;
        let facility = self.db.facility_by_id(inmate.facility_id).await?;
        Ok((inmate, facility))
    }

    /// A facility by id, none if it is gone.
    pub(super) async fn facility_opt(
        &self,
        id: FacilityId,
    ) -> Result<Option<Facility>, StorageError> {
        match self.db.facility_by_id(id).await {
            Ok(f) => Ok(Some(f)),
            Err(StorageError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
