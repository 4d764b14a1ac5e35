//! DAFTAR: name, NIK, relationship, facility, inmate → a pending link.

use jenguk_domain::{FacilityId, InmateId, InmateStatus, Nik, NikError, PersonName, Relationship};
use jenguk_storage::{InmateSearch, NewLink, NewVisitor, StorageError};

use super::id_after;
use crate::chat::format::zone;
use crate::chat::state::Step;
use crate::chat::{ChatInput, Ctx, Row};

/// The shortest search the family may type: never list a whole facility.
const MIN_SEARCH_CHARS: usize = 3;

/// The message of a NIK error (shared with the web).
fn nik_error_key(e: NikError) -> &'static str {
    match e {
        NikError::Length => "invalid-nik-length",
        NikError::NotDigits => "invalid-nik-digits",
        NikError::Province => "invalid-nik-province",
        NikError::Region => "invalid-nik-region",
        NikError::BirthDate => "invalid-nik-birth-date",
        NikError::FutureBirthDate => "invalid-nik-future",
        NikError::Serial => "invalid-nik-serial",
    }
}

impl Ctx<'_> {
    /// DAFTAR: a new number is asked its name; a registered one goes on to link another
    /// inmate.
    pub(in crate::chat) async fn start_register(&mut self) -> Result<Step, StorageError> {
        if let Some(v) = &self.visitor {
            let name = v.name.to_string();
            self.say(self.ta("chat-reg-already", &[("name", name)]));
            return self.ask_relationship();
        }
        self.say(self.t("chat-reg-ask-name"));
        Ok(Step::RegName)
    }

    pub(in crate::chat) fn on_name(&mut self, text: &str) -> Result<Step, StorageError> {
        match PersonName::parse(text) {
            Ok(name) => {
                self.say(self.t("chat-reg-ask-nik"));
                Ok(Step::RegNik {
                    name: name.as_str().to_string(),
                })
            }
            Err(_) => {
                self.say(self.t("chat-reg-bad-name"));
                Ok(Step::RegName)
            }
        }
    }

    pub(in crate::chat) async fn on_nik(
        &mut self,
        name: String,
        text: &str,
    ) -> Result<Step, StorageError> {
        // The latest calendar date in Indonesia (WIT): someone born today anywhere is not
        // "born in the future".
        let today = self.now.to_zoned(zone("Asia/Jayapura")).date();
        let nik = match Nik::parse(text, today) {
            Ok(nik) => nik,
            Err(e) => {
                let reason = self.t(nik_error_key(e));
                self.say_lines(&[
                    self.ta("chat-reg-bad-nik", &[("reason", reason)]),
                    self.t("chat-reg-ask-nik"),
                ]);
                return Ok(Step::RegNik { name });
            }
        };
        let Ok(person) = PersonName::parse(&name) else {
            self.say(self.t("chat-reg-ask-name"));
            return Ok(Step::RegName);
        };
        let new = NewVisitor {
            name: person,
            nik,
            // The number WhatsApp delivered the message from: confirmed.
            phone: self.phone.clone(),
        };
        match self.db.create_visitor(&new, &self.who(), self.now).await {
            Ok(v) => {
                self.db.set_visitor_lang(v.id, self.lang.tag()).await?;
                self.say(self.ta(
                    "chat-reg-done",
                    &[("name", v.name.to_string()), ("nik", v.nik_masked.clone())],
                ));
                self.visitor = Some(v);
                self.ask_relationship()
            }
            Err(StorageError::Conflict("nik_taken")) => {
                self.say(self.t("chat-reg-nik-taken"));
                Ok(Step::Idle)
            }
            // Registered meanwhile (a second message, the web): go on with that visitor.
            Err(StorageError::Conflict("phone_taken")) => {
                self.visitor = self.db.visitor_by_phone(self.phone).await?;
                if self.visitor.is_some() {
                    self.ask_relationship()
                } else {
                    Err(StorageError::Conflict("phone_taken"))
                }
            }
            Err(e) => Err(e),
        }
    }

    pub(in crate::chat) fn ask_relationship(&mut self) -> Result<Step, StorageError> {
        let rows = Relationship::ALL
            .into_iter()
            .map(|r| {
                Row::new(
                    format!("rel:{}", r.as_str()),
                    self.t(&format!("chat-rel-{}", r.as_str())),
                    None,
                )
            })
            .collect();
        self.choose(self.t("chat-reg-ask-relationship"), rows);
        Ok(Step::RegRelationship)
    }

    pub(in crate::chat) async fn on_relationship(
        &mut self,
        id: &str,
    ) -> Result<Step, StorageError> {
        match id.strip_prefix("rel:").and_then(Relationship::parse) {
            Some(r) => self.ask_facility(r).await,
            None => self.stale(Step::RegRelationship).await,
        }
    }

    /// Asks for the facility: a list when there are few, a search when there are many, none
    /// when there is one.
    pub(in crate::chat) async fn ask_facility(
        &mut self,
        relationship: Relationship,
    ) -> Result<Step, StorageError> {
        let all = self.db.facilities().await?;
        match all.as_slice() {
            [] => {
                self.say(self.t("chat-no-facilities"));
                Ok(Step::Idle)
            }
            [only] => {
                self.say(self.ta(
                    "chat-reg-facility-chosen",
                    &[("facility", only.name.clone())],
                ));
                self.ask_inmate(relationship, only.id).await
            }
            few if few.len() <= crate::chat::limits::MAX_ROWS => {
                let rows = few.iter().map(facility_row).collect();
                self.choose(self.t("chat-reg-ask-facility"), rows);
                Ok(Step::RegFacility { relationship })
            }
            _ => {
                self.say(self.t("chat-reg-ask-facility-search"));
                Ok(Step::RegFacility { relationship })
            }
        }
    }

    pub(in crate::chat) async fn on_facility(
        &mut self,
        relationship: Relationship,
        input: ChatInput,
    ) -> Result<Step, StorageError> {
        let step = Step::RegFacility { relationship };
        let query = match input {
            ChatInput::Choice { id, .. } => {
                let found = match id_after(&id, "fac:") {
                    Some(n) => self.facility_opt(FacilityId(n)).await?,
                    None => None,
                };
                return match found {
                    Some(f) => {
                        self.say(self.ta("chat-reg-facility-chosen", &[("facility", f.name)]));
                        self.ask_inmate(relationship, f.id).await
                    }
                    None => self.stale(step).await,
                };
            }
            ChatInput::Text(t) => t.trim().to_string(),
        };
        if query.chars().count() < MIN_SEARCH_CHARS {
            self.say(self.t("chat-search-too-short"));
            return Ok(step);
        }
        let q = query.to_lowercase();
        let matches: Vec<_> = self
            .db
            .facilities()
            .await?
            .into_iter()
            .filter(|f| {
                f.name.to_lowercase().contains(&q)
                    || f.code.as_str().to_lowercase().contains(&q)
                    || f.province.to_lowercase().contains(&q)
            })
            .collect();
        match matches.as_slice() {
            [] => {
                self.say(self.ta("chat-reg-facility-none", &[("query", query)]));
                Ok(step)
            }
            [only] => {
                self.say(self.ta(
                    "chat-reg-facility-chosen",
                    &[("facility", only.name.clone())],
                ));
                self.ask_inmate(relationship, only.id).await
            }
            few if few.len() <= crate::chat::limits::MAX_ROWS => {
                let rows = few.iter().map(facility_row).collect();
                self.choose(self.t("chat-reg-ask-facility"), rows);
                Ok(step)
            }
            _ => {
                self.say(self.ta("chat-reg-facility-many", &[("query", query)]));
                Ok(step)
            }
        }
    }

    pub(in crate::chat) async fn ask_inmate(
        &mut self,
        relationship: Relationship,
        facility: FacilityId,
    ) -> Result<Step, StorageError> {
        let Some(f) = self.facility_opt(facility).await? else {
            self.say(self.t("chat-expired-choice"));
            return Ok(Step::Idle);
        };
        self.say(self.ta("chat-reg-ask-inmate", &[("facility", f.name)]));
        Ok(Step::RegInmate {
            relationship,
            facility,
        })
    }

    pub(in crate::chat) async fn on_inmate(
        &mut self,
        relationship: Relationship,
        facility: FacilityId,
        input: ChatInput,
    ) -> Result<Step, StorageError> {
        let step = Step::RegInmate {
            relationship,
            facility,
        };
        let Some(f) = self.facility_opt(facility).await? else {
            return self.ask_facility(relationship).await;
        };
        let query = match input {
            ChatInput::Choice { id, .. } => {
                let Some(n) = id_after(&id, "inm:") else {
                    return self.stale(step).await;
                };
                return self.request_link(relationship, facility, InmateId(n)).await;
            }
            ChatInput::Text(t) => t.trim().to_string(),
        };
        if query.chars().count() < MIN_SEARCH_CHARS {
            self.say(self.t("chat-search-too-short"));
            return Ok(step);
        }
        let max = crate::chat::limits::MAX_ROWS;
        let found: Vec<_> = self
            .db
            .search_inmates(
                facility,
                &InmateSearch {
                    query: Some(query.clone()),
                    limit: i64::try_from(max + 1).unwrap_or(11),
                    offset: 0,
                },
            )
            .await?
            .into_iter()
            .filter(|i| !i.released)
            .collect();
        if found.is_empty() {
            self.say(self.ta(
                "chat-reg-inmate-none",
                &[("facility", f.name), ("query", query)],
            ));
            return Ok(step);
        }
        if found.len() > max {
            self.say(self.ta("chat-reg-inmate-many", &[("query", query)]));
            return Ok(step);
        }
        // Only the name and the registration number: nothing else about the person.
        let rows = found
            .iter()
            .map(|i| {
                Row::new(
                    format!("inm:{}", i.id.0),
                    i.name.as_str(),
                    Some(i.reg_number.as_str().to_string()),
                )
            })
            .collect();
        self.choose(self.t("chat-reg-inmate-pick"), rows);
        Ok(step)
    }

    async fn request_link(
        &mut self,
        relationship: Relationship,
        facility: FacilityId,
        inmate_id: InmateId,
    ) -> Result<Step, StorageError> {
        let step = Step::RegInmate {
            relationship,
            facility,
        };
        let Some(visitor) = self.visitor.clone() else {
            return self.start_register().await;
        };
        let (inmate, f) = match self.inmate_and_facility(inmate_id).await {
            Ok(x) => x,
            Err(StorageError::NotFound(_)) => return self.stale(step).await,
            Err(e) => return Err(e),
        };
        if f.id != facility {
            return self.stale(step).await;
        }
        let name = inmate.name.to_string();
        if inmate.released {
            self.say(self.ta("chat-link-released", &[("inmate", name)]));
            return Ok(Step::Idle);
        }
        let link = NewLink {
            visitor_id: visitor.id,
            inmate_id,
            relationship,
            permit_number: None,
            permit_expires: None,
        };
        match self.db.create_link(&link, &self.who(), self.now).await {
            Ok(_) => {
                let mut lines = vec![self.ta(
                    "chat-link-pending",
                    &[("inmate", name.clone()), ("facility", f.name)],
                )];
                if inmate.status == InmateStatus::Tahanan
                    && relationship != Relationship::LegalCounsel
                {
                    lines.push(self.ta("chat-link-permit-note", &[("inmate", name)]));
                }
                self.say_lines(&lines);
                Ok(Step::Idle)
            }
            Err(StorageError::Conflict("link_exists")) => {
                self.say(self.ta("chat-link-exists", &[("inmate", name)]));
                Ok(Step::Idle)
            }
            Err(StorageError::Invalid("inmate_released")) => {
                self.say(self.ta("chat-link-released", &[("inmate", name)]));
                Ok(Step::Idle)
            }
            Err(StorageError::NotFound(_)) => self.stale(step).await,
            Err(e) => Err(e),
        }
    }
}

fn facility_row(f: &jenguk_domain::Facility) -> Row {
    Row::new(
        format!("fac:{}", f.id.0),
        f.name.as_str(),
        Some(format!(
            "{} · {}",
            f.province,
            jenguk_domain::facility::zone_abbreviation(&f.time_zone)
        )),
    )
}
