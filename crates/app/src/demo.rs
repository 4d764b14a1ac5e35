//! `jenguk demo`: a realistic demo seeded into an empty database.

use anyhow::Context;
use jenguk_domain::visit::Actor;
use jenguk_domain::{
    FacilityCode, FacilityKind, InmateStatus, Nik, PersonName, PhoneNumber, RegNumber,
    Relationship, VisitKind, VisitPolicy,
};
use jenguk_storage::{
    AuditEvent, BookingRequest, Channel, Db, LinkDecision, NewFacility, NewInmate, NewLink,
    NewTemplate, NewVisitor, Role,
};
use jiff::civil::{Time, Weekday};
use jiff::{Span, Timestamp};

/// The demo's staff accounts: (username, password, role, facility). Demo only.
pub const ACCOUNTS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "demo-admin-2026", Role::NationalAdmin, None),
    (
        "admin.serang",
        "demo-serang-2026",
        Role::FacilityAdmin,
        Some("RUTAN-SERANG"),
    ),
    (
        "operator.serang",
        "demo-operator-2026",
        Role::Operator,
        Some("RUTAN-SERANG"),
    ),
    (
        "officer.serang",
        "demo-officer-2026",
        Role::Officer,
        Some("RUTAN-SERANG"),
    ),
    (
        "operator.makassar",
        "demo-makassar-2026",
        Role::Operator,
        Some("LAPAS-MAKASSAR"),
    ),
];

struct DemoFacility {
    code: &'static str,
    name: &'static str,
    kind: FacilityKind,
    class: &'static str,
    province: &'static str,
    zone: &'static str,
    booths: u16,
    inmates: &'static [(&'static str, &'static str, InmateStatus, &'static str)],
}

const FACILITIES: &[DemoFacility] = &[
    DemoFacility {
        code: "RUTAN-SERANG",
        name: "Rutan Kelas IIB Serang",
        kind: FacilityKind::Rutan,
        class: "IIB",
        province: "Banten",
        zone: "Asia/Jakarta",
        booths: 4,
        inmates: &[
            (
                "A.II 118/2026",
                "Ahmad Fauzi",
                InmateStatus::Tahanan,
                "Blok A",
            ),
            (
                "A.III 42/2026",
                "Rudi Hartono",
                InmateStatus::Tahanan,
                "Blok A",
            ),
            (
                "B.I 231/2024",
                "Dedi Kurniawan",
                InmateStatus::Narapidana,
                "Blok B",
            ),
            (
                "B.I 87/2023",
                "Slamet Riyadi",
                InmateStatus::Narapidana,
                "Blok B",
            ),
            (
                "B.IIa 15/2026",
                "Yusuf Maulana",
                InmateStatus::Narapidana,
                "Blok C",
            ),
            (
                "B.I 301/2025",
                "Siti Nurhaliza",
                InmateStatus::Narapidana,
                "Blok Wanita",
            ),
            (
                "A.II 120/2026",
                "Bambang Sutrisno",
                InmateStatus::Tahanan,
                "Blok A",
            ),
            (
                "B.IIb 4/2026",
                "Eko Prasetyo",
                InmateStatus::Narapidana,
                "Blok C",
            ),
        ],
    },
    DemoFacility {
        code: "LAPAS-MAKASSAR",
        name: "Lapas Kelas I Makassar",
        kind: FacilityKind::Lapas,
        class: "I",
        province: "Sulawesi Selatan",
        zone: "Asia/Makassar",
        booths: 6,
        inmates: &[
            (
                "B.I 512/2022",
                "Andi Baso",
                InmateStatus::Narapidana,
                "Blok Mawar",
            ),
            (
                "B.I 77/2021",
                "Muhammad Arfah",
                InmateStatus::Narapidana,
                "Blok Melati",
            ),
            (
                "B.I 903/2025",
                "Irwan Syahputra",
                InmateStatus::Narapidana,
                "Blok Mawar",
            ),
            (
                "A.III 12/2026",
                "Haerul Anwar",
                InmateStatus::Tahanan,
                "Blok Anggrek",
            ),
        ],
    },
    DemoFacility {
        code: "LAPAS-ABEPURA",
        name: "Lapas Kelas IIA Abepura",
        kind: FacilityKind::Lapas,
        class: "IIA",
        province: "Papua",
        zone: "Asia/Jayapura",
        booths: 2,
        inmates: &[
            (
                "B.I 45/2023",
                "Yohanes Wenda",
                InmateStatus::Narapidana,
                "Blok 1",
            ),
            (
                "B.I 61/2024",
                "Markus Kogoya",
                InmateStatus::Narapidana,
                "Blok 2",
            ),
            (
                "A.II 8/2026",
                "Petrus Yikwa",
                InmateStatus::Tahanan,
                "Blok 1",
            ),
        ],
    },
];

/// (name, NIK, phone, facility code, inmate registration number, relationship)
const VISITORS: &[(&str, &str, &str, &str, &str, Relationship)] = &[
    (
        "Nurhayati",
        "3604015506900002",
        "0812-3456-0001",
        "RUTAN-SERANG",
        "B.I 231/2024",
        Relationship::Spouse,
    ),
    (
        "Sumarni",
        "3604016408620003",
        "0813-3456-0002",
        "RUTAN-SERANG",
        "A.II 118/2026",
        Relationship::Parent,
    ),
    (
        "Agus Salim",
        "3604011208850001",
        "0857-3456-0003",
        "RUTAN-SERANG",
        "B.I 87/2023",
        Relationship::Sibling,
    ),
    (
        "Hasnah Daeng",
        "7371016301780004",
        "0811-4456-0004",
        "LAPAS-MAKASSAR",
        "B.I 512/2022",
        Relationship::Spouse,
    ),
    (
        "Maria Wenda",
        "9171014410950005",
        "0821-5456-0005",
        "LAPAS-ABEPURA",
        "B.I 45/2023",
        Relationship::Sibling,
    ),
    (
        "Rahmat Hidayat, S.H.",
        "3171011708750006",
        "0818-6456-0006",
        "RUTAN-SERANG",
        "A.II 118/2026",
        Relationship::LegalCounsel,
    ),
];

/// Seeds the demo unless the database already has facilities.
pub async fn seed_if_empty(db: &Db) -> anyhow::Result<()> {
    if !db.facilities().await?.is_empty() {
        tracing::info!("demo database already seeded");
        return Ok(());
    }
    let now = Timestamp::now();
    let who = AuditEvent::cli();
    let err = |e: jenguk_storage::StorageError| anyhow::anyhow!("{e}");
    for f in FACILITIES {
        let facility = db
            .create_facility(
                &NewFacility {
                    code: FacilityCode::parse(f.code).map_err(|e| anyhow::anyhow!("{e}"))?,
                    name: f.name.into(),
                    kind: f.kind,
                    class: f.class.into(),
                    province: f.province.into(),
                    time_zone: f.zone.into(),
                    policy: VisitPolicy::default(),
                },
                &who,
                now,
            )
            .await
            .map_err(err)?;
        for b in 1..=f.booths {
            db.create_booth(facility.id, &format!("Bilik {b}"), &who, now)
                .await
                .map_err(err)?;
        }
        let today = now.to_zoned(facility.tz()?).date();
        let t = |h: i8, m: i8| Time::new(h, m, 0, 0);
        let mut sessions = Vec::new();
        for wd in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ] {
            sessions.push((wd, t(9, 0)?, t(12, 0)?, f.booths - 1, VisitKind::Family));
            sessions.push((wd, t(13, 0)?, t(15, 0)?, f.booths - 1, VisitKind::Family));
        }
        sessions.push((
            Weekday::Saturday,
            t(9, 0)?,
            t(11, 0)?,
            f.booths - 1,
            VisitKind::Family,
        ));
        for wd in [Weekday::Tuesday, Weekday::Thursday] {
            sessions.push((wd, t(15, 0)?, t(16, 0)?, 1, VisitKind::Legal));
        }
        for (weekday, start, end, capacity, kind) in sessions {
            db.create_template(
                facility.id,
                &NewTemplate {
                    weekday,
                    start,
                    end,
                    slot_minutes: if kind == VisitKind::Legal { 30 } else { 15 },
                    capacity: capacity.max(1),
                    valid_from: today,
                    valid_to: None,
                    kind,
                },
                &who,
                now,
            )
            .await
            .map_err(err)?;
        }
        let christmas = jiff::civil::date(today.year(), 12, 25);
        if christmas >= today {
            db.create_excluded_date(facility.id, christmas, "Hari Raya Natal", &who, now)
                .await
                .map_err(err)?;
        }
        let rows: Vec<_> = f
            .inmates
            .iter()
            .enumerate()
            .map(|(i, (reg, name, status, block))| {
                Ok((
                    i as u64 + 2,
                    NewInmate {
                        reg_number: RegNumber::parse(reg)?,
                        name: PersonName::parse(name)?,
                        status: *status,
                        block: Some((*block).to_string()),
                    },
                ))
            })
            .collect::<Result<_, jenguk_domain::TextError>>()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        db.import_inmates(facility.id, &rows, &who, now)
            .await
            .map_err(err)?;
    }
    seed_visitors(db, now).await?;
    for (username, password, role, facility) in ACCOUNTS {
        let fid = match facility {
            Some(code) => Some(
                db.facility(&FacilityCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?)
                    .await
                    .map_err(err)?
                    .id,
            ),
            None => None,
        };
        db.create_user(username, password, *role, fid, &who, now)
            .await
            .map_err(err)?;
    }
    tracing::info!("demo seeded");
    Ok(())
}

async fn seed_visitors(db: &Db, now: Timestamp) -> anyhow::Result<()> {
    let who = AuditEvent::cli();
    let err = |e: jenguk_storage::StorageError| anyhow::anyhow!("{e}");
    let utc_today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    for (name, nik, phone, code, reg, rel) in VISITORS {
        let visitor = db
            .create_visitor(
                &NewVisitor {
                    name: PersonName::parse(name).map_err(|e| anyhow::anyhow!("{e}"))?,
                    nik: Nik::parse(nik, utc_today).map_err(|e| anyhow::anyhow!("{nik}: {e}"))?,
                    phone: PhoneNumber::parse(phone).map_err(|e| anyhow::anyhow!("{e}"))?,
                },
                &who,
                now,
            )
            .await
            .map_err(err)?;
        let facility = db
            .facility(&FacilityCode::parse(code).map_err(|e| anyhow::anyhow!("{e}"))?)
            .await
            .map_err(err)?;
        let inmate = db
            .search_inmates(
                facility.id,
                &jenguk_storage::InmateSearch {
                    query: Some((*reg).to_string()),
                    limit: 1,
                    offset: 0,
                },
            )
            .await
            .map_err(err)?
            .into_iter()
            .next()
            .context("demo inmate missing")?;
        let link = db
            .create_link(
                &NewLink {
                    visitor_id: visitor.id,
                    inmate_id: inmate.id,
                    relationship: *rel,
                    permit_number: None,
                    permit_expires: None,
                },
                &who,
                now,
            )
            .await
            .map_err(err)?;
        let tahanan = inmate.status == InmateStatus::Tahanan;
        let decision = LinkDecision::Approve {
            permit_number: tahanan.then(|| format!("T-10/{}/2026", 100 + visitor.id.0)),
            permit_expires: tahanan.then(|| utc_today.saturating_add(Span::new().days(60))),
        };
        db.decide_link(link.id, &decision, None, &who, now)
            .await
            .map_err(err)?;
        // A first family booking on the next bookable weekday, so the demo has visits.
        if *rel != Relationship::LegalCounsel {
            let tz = facility.tz()?;
            let from = now.to_zoned(tz).date().saturating_add(Span::new().days(2));
            let slots = db
                .slots(&facility, from, from.saturating_add(Span::new().days(7)))
                .await
                .map_err(err)?;
            if let Some(s) = slots
                .iter()
                .find(|s| s.slot.kind == VisitKind::Family && s.booked == 0)
            {
                let req = BookingRequest {
                    facility: facility.code.clone(),
                    start: s.slot.start,
                    kind: VisitKind::Family,
                    inmate_id: inmate.id,
                    visitor_id: visitor.id,
                    people: 1,
                    channel: Channel::Staff,
                    actor: Actor::System,
                };
                if let Err(e) = db.book(&req, &who, now).await {
                    tracing::warn!(error = %e, "demo booking refused");
                }
            }
        }
    }
    Ok(())
}

/// Prints the demo's staff accounts.
pub fn print_accounts() {
    println!("Jenguk demo — staff accounts (demo only; never use these passwords in production):");
    for (username, password, role, facility) in ACCOUNTS {
        println!(
            "  {username:<18} {password:<20} {:<15} {}",
            role.as_str(),
            facility.unwrap_or("(all facilities)")
        );
    }
}
