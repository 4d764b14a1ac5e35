//! The benchmark's worlds: facilities with schedules, inmates, visitors and approved links,
//! created through the ordinary storage API (not timed).
//!
//! Two worlds of the same shape are created per run (one per phase), with codes unique to the
//! run so that a PostgreSQL database can be reused.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use anyhow::{Context, bail};
use jenguk_domain::{
    Facility, FacilityCode, FacilityKind, InmateId, InmateStatus, Nik, PersonName, PhoneNumber,
    RegNumber, Relationship, VisitKind, VisitPolicy, VisitorId,
};
use jenguk_storage::{
    AuditEvent, Db, InmateSearch, LinkDecision, NewFacility, NewInmate, NewLink, NewTemplate,
    NewVisitor, StorageError,
};
use jiff::civil::{Date, Time, Weekday};
use jiff::{Span, Timestamp};

use super::rng::{XorShift, splitmix64};

/// Inmates per facility.
pub const INMATES_PER_FACILITY: usize = 100;
/// Visitors per facility (600 for the default 20 facilities).
pub const VISITORS_PER_FACILITY: usize = 30;
/// Tasks creating visitors and links at once.
const SETUP_WORKERS: usize = 8;

/// The shape of a world, the same for both: which facility is in which zone, which visitor is
/// linked to which inmates.
pub struct Layout {
    pub zones: Vec<&'static str>,
    pub families: Vec<Family>,
}

/// A visitor to create: the facility (index) of the inmates, the inmates (indices) and the
/// relationship.
pub struct Family {
    pub facility: usize,
    pub inmates: Vec<usize>,
    pub relationship: Relationship,
}

impl Layout {
    pub fn new(facilities: usize, seed: u64) -> Layout {
        let zones = (1..=facilities)
            .map(|n| match n % 10 {
                3 => "Asia/Makassar",
                7 => "Asia/Jayapura",
                _ => "Asia/Jakarta",
            })
            .collect();
        let rels = [
            Relationship::Parent,
            Relationship::Spouse,
            Relationship::Child,
            Relationship::Sibling,
            Relationship::OtherFamily,
        ];
        let mut rng = XorShift::new(seed ^ 0x05ee_dfa7_11e5);
        let families = (0..facilities * VISITORS_PER_FACILITY)
            .map(|v| {
                let links = 1 + rng.below(3);
                let mut inmates: Vec<usize> = Vec::with_capacity(links);
                while inmates.len() < links {
                    let k = rng.below(INMATES_PER_FACILITY);
                    if !inmates.contains(&k) {
                        inmates.push(k);
                    }
                }
                Family {
                    facility: v % facilities,
                    inmates,
                    relationship: rels[rng.below(rels.len())],
                }
            })
            .collect();
        Layout { zones, families }
    }

    pub fn links(&self) -> usize {
        self.families.iter().map(|f| f.inmates.len()).sum()
    }
}

/// One world as created.
pub struct World {
    pub facilities: Vec<WorldFacility>,
    /// (visitor, linked inmate, facility index), in layout order: pair `i` of one world
    /// corresponds to pair `i` of the other.
    pub pairs: Vec<Pair>,
}

pub struct WorldFacility {
    pub facility: Facility,
    /// Bookable slot starts (family), in order.
    pub slots: Vec<Timestamp>,
    /// The local dates the slots were listed for (kept for the final check).
    pub from: Date,
    pub to: Date,
    /// A slot beyond the booking window (3 weeks ahead), for the warm-up's refusals.
    pub beyond_window: Timestamp,
}

#[derive(Clone, Copy)]
pub struct Pair {
    pub visitor: VisitorId,
    pub inmate: InmateId,
    pub facility: usize,
}

fn policy() -> VisitPolicy {
    VisitPolicy {
        slot_minutes: 15,
        min_days_ahead: 1,
        max_days_ahead: 14,
        cutoff_minutes: 60,
        max_visits_per_inmate_per_week: 2,
        max_visits_per_visitor_per_week: 2,
        max_people_per_visit: 3,
        record_family_visits: false,
    }
}

/// Creates one facility: the facility, its weekday templates, its inmates (one import).
/// Returns it and its inmates' ids in layout order.
async fn create_facility(
    db: &Db,
    code: &str,
    zone: &str,
    n: usize,
) -> anyhow::Result<(Facility, Vec<InmateId>)> {
    let who = AuditEvent::cli();
    let now = Timestamp::now();
    let facility = db
        .create_facility(
            &NewFacility {
                code: FacilityCode::parse(code).with_context(|| format!("facility code {code}"))?,
                name: format!("Lapas Bench {n} ({code})"),
                kind: FacilityKind::Lapas,
                class: "IIA".into(),
                province: "DKI Jakarta".into(),
                time_zone: zone.into(),
                policy: policy(),
            },
            &who,
            now,
        )
        .await
        .with_context(|| format!("creating facility {code}"))?;
    let today = now.to_zoned(facility.tz()?).date();
    for weekday in [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ] {
        db.create_template(
            facility.id,
            &NewTemplate {
                weekday,
                start: Time::new(8, 0, 0, 0)?,
                end: Time::new(16, 0, 0, 0)?,
                slot_minutes: 15,
                capacity: 4,
                valid_from: today,
                valid_to: None,
                kind: VisitKind::Family,
            },
            &who,
            now,
        )
        .await
        .with_context(|| format!("creating a template of {code}"))?;
    }
    let regs: Vec<RegNumber> = (1..=INMATES_PER_FACILITY)
        .map(|k| RegNumber::parse(&format!("B.I {k}/2025")))
        .collect::<Result<_, _>>()?;
    let rows = regs
        .iter()
        .enumerate()
        .map(|(k, reg)| {
            Ok((
                k as u64 + 2,
                NewInmate {
                    reg_number: reg.clone(),
                    name: PersonName::parse(&format!("Warga Binaan {}", k + 1))?,
                    status: InmateStatus::Narapidana,
                    block: Some(format!("Blok {}", ["A", "B", "C", "D"][k % 4])),
                },
            ))
        })
        .collect::<Result<Vec<_>, jenguk_domain::TextError>>()?;
    db.import_inmates(facility.id, &rows, &who, now)
        .await
        .with_context(|| format!("importing the inmates of {code}"))?;
    let found = db
        .search_inmates(
            facility.id,
            &InmateSearch {
                query: None,
                limit: 200,
                offset: 0,
            },
        )
        .await?;
    let ids = regs
        .iter()
        .map(|reg| {
            found
                .iter()
                .find(|i| &i.reg_number == reg)
                .map(|i| i.id)
                .with_context(|| {
                    format!("inmate {} of {code} not found after import", reg.as_str())
                })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((facility, ids))
}

/// A valid NIK numbered `c`: Jakarta Selatan (31 71 01), a birth date from 1960 on, a serial.
fn bench_nik(c: u64, today: Date) -> anyhow::Result<Nik> {
    let serial = c % 9999 + 1;
    let days = i64::try_from((c / 9999) % 16_000)?;
    let born = jiff::civil::date(1960, 1, 1).checked_add(Span::new().days(days))?;
    let digits = format!(
        "317101{:02}{:02}{:02}{serial:04}",
        born.day(),
        born.month(),
        born.year() % 100
    );
    Nik::parse(&digits, today).with_context(|| format!("generated NIK {c} is invalid"))
}

/// A valid mobile number numbered `c`: `+62812` and eight digits.
fn bench_phone(c: u64) -> anyhow::Result<PhoneNumber> {
    let s = format!("+62812{:08}", c % 100_000_000);
    PhoneNumber::parse(&s).with_context(|| format!("generated phone {s} is invalid"))
}

/// Registers one family member (drawing new NIK/phone numbers while they are taken, e.g. by
/// an earlier run against the same database) and approves their links.
async fn create_family(
    db: &Db,
    family: &Family,
    inmates: &[InmateId],
    numbers: &AtomicU64,
) -> anyhow::Result<(VisitorId, Vec<InmateId>)> {
    let who = AuditEvent::cli();
    let now = Timestamp::now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut attempts = 0;
    let visitor = loop {
        attempts += 1;
        let c = numbers.fetch_add(1, Ordering::Relaxed);
        let v = NewVisitor {
            name: PersonName::parse(&format!("Keluarga Bench {c}"))?,
            nik: bench_nik(c, today)?,
            phone: bench_phone(c)?,
        };
        match db.create_visitor(&v, &who, now).await {
            Ok(v) => break v,
            Err(StorageError::Conflict(_)) if attempts < 1000 => continue,
            Err(e) => return Err(e).context("creating a visitor"),
        }
    };
    let mut linked = Vec::with_capacity(family.inmates.len());
    for &k in &family.inmates {
        let inmate = *inmates.get(k).context("inmate index out of range")?;
        let link = db
            .create_link(
                &NewLink {
                    visitor_id: visitor.id,
                    inmate_id: inmate,
                    relationship: family.relationship,
                    permit_number: None,
                    permit_expires: None,
                },
                &who,
                now,
            )
            .await
            .context("creating a link")?;
        db.decide_link(
            link.id,
            &LinkDecision::Approve {
                permit_number: None,
                permit_expires: None,
            },
            None,
            &who,
            now,
        )
        .await
        .context("approving a link")?;
        linked.push(inmate);
    }
    Ok((visitor.id, linked))
}

/// Creates a world: facilities `<prefix>-<n>`, their inmates, the visitors and their links,
/// then lists the slots of tomorrow to 14 days ahead.
pub async fn create(
    db: &Db,
    prefix: &str,
    layout: &Arc<Layout>,
    numbers: &Arc<AtomicU64>,
) -> anyhow::Result<World> {
    let mut set = tokio::task::JoinSet::new();
    for (i, zone) in layout.zones.iter().enumerate() {
        let db = db.clone();
        let code = format!("{prefix}-{}", i + 1);
        let zone = *zone;
        set.spawn(async move { (i, create_facility(&db, &code, zone, i + 1).await) });
    }
    let mut made: Vec<Option<(Facility, Vec<InmateId>)>> =
        (0..layout.zones.len()).map(|_| None).collect();
    while let Some(r) = set.join_next().await {
        let (i, r) = r?;
        made[i] = Some(r?);
    }
    let made: Vec<(Facility, Vec<InmateId>)> = made.into_iter().flatten().collect();
    if made.len() != layout.zones.len() {
        bail!("a facility of {prefix} was not created");
    }
    let inmates: Arc<Vec<Vec<InmateId>>> =
        Arc::new(made.iter().map(|(_, ids)| ids.clone()).collect());

    let next = Arc::new(AtomicUsize::new(0));
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..SETUP_WORKERS {
        let (db, layout, inmates, next, numbers) = (
            db.clone(),
            layout.clone(),
            inmates.clone(),
            next.clone(),
            numbers.clone(),
        );
        set.spawn(async move {
            let mut out = Vec::new();
            loop {
                let v = next.fetch_add(1, Ordering::Relaxed);
                let Some(family) = layout.families.get(v) else {
                    break;
                };
                let at = inmates
                    .get(family.facility)
                    .context("facility index out of range")?;
                out.push((v, create_family(&db, family, at, &numbers).await?));
            }
            anyhow::Ok(out)
        });
    }
    let mut families: Vec<Option<(VisitorId, Vec<InmateId>)>> =
        (0..layout.families.len()).map(|_| None).collect();
    while let Some(r) = set.join_next().await {
        for (v, f) in r?? {
            families[v] = Some(f);
        }
    }
    let mut pairs = Vec::with_capacity(layout.links());
    for (plan, made) in layout.families.iter().zip(families) {
        let (visitor, linked) = made.context("a visitor was not created")?;
        for inmate in linked {
            pairs.push(Pair {
                visitor,
                inmate,
                facility: plan.facility,
            });
        }
    }

    let mut facilities = Vec::with_capacity(made.len());
    for (facility, _) in made {
        let today = Timestamp::now().to_zoned(facility.tz()?).date();
        let from = today.checked_add(Span::new().days(1))?;
        let to = today.checked_add(Span::new().days(14))?;
        let slots = db
            .slots(&facility, from, to)
            .await?
            .into_iter()
            .filter(|s| s.slot.kind == VisitKind::Family)
            .map(|s| s.slot.start)
            .collect();
        let beyond_window = db
            .slots(
                &facility,
                today.checked_add(Span::new().days(21))?,
                today.checked_add(Span::new().days(28))?,
            )
            .await?
            .into_iter()
            .find(|s| s.slot.kind == VisitKind::Family)
            .map(|s| s.slot.start)
            .with_context(|| format!("{} has no slot 3 weeks ahead", facility.code.as_str()))?;
        facilities.push(WorldFacility {
            facility,
            slots,
            from,
            to,
            beyond_window,
        });
    }
    Ok(World { facilities, pairs })
}

/// The first number to draw NIKs and phone numbers from: different for every run, so that
/// runs against the same database rarely meet (and retry when they do).
pub fn first_number(run: u64) -> u64 {
    splitmix64(run) % 100_000_000
}
