//! Whole conversations against a real database (a temporary SQLite file).

use std::cell::Cell;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use jenguk_domain::{
    Facility, FacilityCode, FacilityKind, Inmate, InmateStatus, PersonName, PhoneNumber, RegNumber,
    VisitKind, VisitPolicy, VisitStatus,
};
use jenguk_i18n::Lang;
use jenguk_storage::{
    AuditEvent, ChatSession, Db, LinkDecision, LinkFilter, MessageKind, NewFacility, NewInmate,
    NewTemplate,
};
use jiff::civil::{Time, Weekday, date};
use jiff::{SignedDuration, Timestamp};

use super::*;

const JOIN: &str = "https://jenguk.example/v";

struct World {
    db: Db,
    flow: ChatFlow,
    dir: PathBuf,
    serang: Facility,
    fauzi: Inmate,
    rudi: Inmate,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Monday 30 November 2026, 08:00 WIB.
fn t0() -> Timestamp {
    "2026-11-30T01:00:00Z".parse().unwrap()
}

async fn world() -> World {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "jenguk-chat-test-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        Timestamp::now().as_nanosecond()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db::connect(&format!("sqlite://{}/t.db", dir.display()))
        .await
        .unwrap();
    let who = AuditEvent::cli();
    let now = t0();
    let mut facilities = Vec::new();
    for (code, name, province, zone) in [
        (
            "RUTAN-SERANG",
            "Rutan Kelas IIB Serang",
            "Banten",
            "Asia/Jakarta",
        ),
        (
            "LAPAS-MAKASSAR",
            "Lapas Kelas I Makassar",
            "Sulawesi Selatan",
            "Asia/Makassar",
        ),
    ] {
        let f = db
            .create_facility(
                &NewFacility {
                    code: FacilityCode::parse(code).unwrap(),
                    name: name.into(),
                    kind: FacilityKind::Rutan,
                    class: "IIB".into(),
                    province: province.into(),
                    time_zone: zone.into(),
                    policy: VisitPolicy::default(),
                },
                &who,
                now,
            )
            .await
            .unwrap();
        for wd in [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
            Weekday::Saturday,
        ] {
            db.create_template(
                f.id,
                &NewTemplate {
                    weekday: wd,
                    start: Time::new(9, 0, 0, 0).unwrap(),
                    end: Time::new(12, 0, 0, 0).unwrap(),
                    slot_minutes: 15,
                    capacity: 2,
                    valid_from: date(2026, 11, 1),
                    valid_to: None,
                    kind: VisitKind::Family,
                },
                &who,
                now,
            )
            .await
            .unwrap();
        }
        facilities.push(f);
    }
    let serang = facilities.remove(0);
    let inmate = |reg: &str, name: &str, status| NewInmate {
        reg_number: RegNumber::parse(reg).unwrap(),
        name: PersonName::parse(name).unwrap(),
        status,
        block: Some("Blok Rahasia".into()),
    };
    let fauzi = db
        .create_inmate(
            serang.id,
            &inmate("B.I 231/2024", "Ahmad Fauzi", InmateStatus::Narapidana),
            &who,
            now,
        )
        .await
        .unwrap();
    let rudi = db
        .create_inmate(
            serang.id,
            &inmate("A.II 42/2026", "Rudi Hartono", InmateStatus::Tahanan),
            &who,
            now,
        )
        .await
        .unwrap();
    // Eleven more "Ahmad": a search for "ahmad" matches twelve, more than a list holds.
    for (i, last) in [
        "Bakri", "Dahlan", "Effendi", "Gunawan", "Hidayat", "Iskandar", "Junaedi", "Kurnia",
        "Lubis", "Munir", "Nasution",
    ]
    .into_iter()
    .enumerate()
    {
        db.create_inmate(
            serang.id,
            &inmate(
                &format!("B.I {}/2025", i + 1),
                &format!("Ahmad {last}"),
                InmateStatus::Narapidana,
            ),
            &who,
            now,
        )
        .await
        .unwrap();
    }
    World {
        flow: ChatFlow::new(db.clone(), JOIN.into()),
        db,
        dir,
        serang,
        fauzi,
        rudi,
    }
}

/// WhatsApp's limits hold on every reply, and no reply is empty.
fn check_limits(replies: &[Reply]) {
    assert!(!replies.is_empty(), "silence");
    for r in replies {
        match r {
            Reply::Text(t) => {
                assert!(!t.trim().is_empty(), "empty text");
                assert!(t.chars().count() <= limits::TEXT_BODY);
            }
            Reply::Buttons { body, buttons } => {
                assert!(!body.trim().is_empty());
                assert!(body.chars().count() <= limits::INTERACTIVE_BODY);
                assert!((1..=limits::MAX_BUTTONS).contains(&buttons.len()), "{r:?}");
                for (id, title) in buttons {
                    assert!(!id.is_empty() && id.len() <= 256);
                    assert!(!title.is_empty());
                    assert!(title.chars().count() <= limits::BUTTON_TITLE, "{title}");
                }
                let mut ids: Vec<_> = buttons.iter().map(|b| &b.0).collect();
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), buttons.len(), "duplicate ids in {r:?}");
            }
            Reply::List { body, button, rows } => {
                assert!(!body.trim().is_empty());
                assert!(body.chars().count() <= limits::INTERACTIVE_BODY);
                assert!(!button.is_empty());
                assert!(button.chars().count() <= limits::LIST_BUTTON, "{button}");
                assert!((1..=limits::MAX_ROWS).contains(&rows.len()), "{r:?}");
                for (id, title, description) in rows {
                    assert!(!id.is_empty() && id.len() <= 200);
                    assert!(!title.is_empty());
                    assert!(title.chars().count() <= limits::ROW_TITLE, "{title}");
                    if let Some(d) = description {
                        assert!(d.chars().count() <= limits::ROW_DESCRIPTION, "{d}");
                    }
                }
                let mut ids: Vec<_> = rows.iter().map(|r| &r.0).collect();
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), rows.len(), "duplicate ids in {r:?}");
            }
        }
    }
}

/// Everything a family reads in some replies, as one text.
fn all_text(replies: &[Reply]) -> String {
    let mut out = Vec::new();
    for r in replies {
        match r {
            Reply::Text(t) => out.push(t.clone()),
            Reply::Buttons { body, buttons } => {
                out.push(body.clone());
                out.extend(buttons.iter().map(|b| b.1.clone()));
            }
            Reply::List { body, rows, .. } => {
                out.push(body.clone());
                for (_, title, d) in rows {
                    out.push(title.clone());
                    out.extend(d.clone());
                }
            }
        }
    }
    out.join("\n")
}

/// The options (id, title) of the last list or buttons.
fn options(replies: &[Reply]) -> Vec<(String, String)> {
    replies
        .iter()
        .rev()
        .find_map(|r| match r {
            Reply::Buttons { buttons, .. } => Some(buttons.clone()),
            Reply::List { rows, .. } => {
                Some(rows.iter().map(|r| (r.0.clone(), r.1.clone())).collect())
            }
            Reply::Text(_) => None,
        })
        .unwrap_or_default()
}

fn is_menu(replies: &[Reply]) -> bool {
    options(replies).iter().any(|(id, _)| id == "cmd:daftar")
}

/// One family's phone.
struct Phone<'a> {
    w: &'a World,
    number: PhoneNumber,
    now: Cell<Timestamp>,
    last: std::cell::RefCell<Vec<Reply>>,
}

impl<'a> Phone<'a> {
    fn new(w: &'a World, number: &str) -> Self {
        Phone {
            w,
            number: PhoneNumber::parse(number).unwrap(),
            now: Cell::new(t0()),
            last: Default::default(),
        }
    }

    fn now(&self) -> Timestamp {
        self.now.get()
    }

    fn wait(&self, minutes: i64) {
        self.now.set(
            self.now
                .get()
                .checked_add(SignedDuration::from_mins(minutes))
                .unwrap(),
        );
    }

    async fn input(&self, input: ChatInput) -> Vec<Reply> {
        self.now.set(
            self.now
                .get()
                .checked_add(SignedDuration::from_secs(20))
                .unwrap(),
        );
        let r = self
            .w
            .flow
            .handle(&self.number, input, self.now())
            .await
            .unwrap();
        check_limits(&r);
        *self.last.borrow_mut() = r.clone();
        r
    }

    async fn send(&self, text: &str) -> Vec<Reply> {
        self.input(ChatInput::Text(text.into())).await
    }

    /// Taps the option of the last reply whose id or title satisfies `pick`.
    async fn tap(&self, pick: impl Fn(&str, &str) -> bool) -> Vec<Reply> {
        let opts = options(&self.last.borrow());
        let (id, title) = opts
            .iter()
            .find(|(id, title)| pick(id, title))
            .unwrap_or_else(|| panic!("no such option in {opts:?}"))
            .clone();
        self.input(ChatInput::Choice { id, title }).await
    }

    async fn tap_id(&self, want: &str) -> Vec<Reply> {
        self.tap(|id, _| id == want).await
    }

    async fn tap_title(&self, want: &str) -> Vec<Reply> {
        self.tap(|_, title| title == want).await
    }
}

fn id(key: &str) -> String {
    Lang::Id.t(key)
}

fn en(key: &str) -> String {
    Lang::En.t(key)
}

#[tokio::test]
async fn a_family_registers_books_sees_moves_and_cancels() {
    let w = world().await;
    let db = &w.db;
    let p = Phone::new(&w, "0812-3456-0001");

    // Anything unrecognised: a short menu, never silence.
    let r = p.send("halo selamat pagi").await;
    assert!(all_text(&r).contains(&id("chat-not-understood")));
    assert!(is_menu(&r));

    // Not registered: KUNJUNGAN and JADWAL say to DAFTAR first.
    let r = p.send("kunjungan").await;
    assert!(all_text(&r).contains(&id("chat-need-register")), "{r:?}");
    let r = p.send("JADWAL").await;
    assert!(all_text(&r).contains(&id("chat-need-register")));

    // DAFTAR: name, NIK (bad twice, with the specific error and the question again), good.
    let r = p.send("Daftar").await;
    assert_eq!(all_text(&r), id("chat-reg-ask-name"));
    let r = p.send("Siti Aminah").await;
    assert_eq!(all_text(&r), id("chat-reg-ask-nik"));
    let r = p.send("9971011708450001").await;
    let t = all_text(&r);
    assert!(t.contains(&id("invalid-nik-province")), "{t}");
    assert!(t.contains(&id("chat-reg-ask-nik")), "{t}");
    let r = p.send("31710117084500").await;
    assert!(all_text(&r).contains(&id("invalid-nik-length")));
    let r = p.send("3171013002001234").await;
    assert!(all_text(&r).contains(&id("invalid-nik-birth-date")));
    let r = p.send("3171 0157 0845 0001").await;
    let t = all_text(&r);
    assert!(
        t.contains("Siti Aminah") && t.contains("3171********0001"),
        "{t}"
    );
    assert!(t.contains(&id("chat-reg-ask-relationship")));
    let visitor = db.visitor_by_phone(&p.number).await.unwrap().unwrap();
    assert_eq!(visitor.nik_masked, "3171********0001");

    // Relationship: typing the option's number works as well as tapping.
    let r = p.send("2").await;
    assert!(all_text(&r).contains(&id("chat-reg-ask-facility")), "{r:?}");
    let r = p.tap_title("Rutan Kelas IIB Serang").await;
    assert!(all_text(&r).contains("Rutan Kelas IIB Serang"));

    // Inmate search: at least 3 characters, at most 10 matches, name and number only.
    let r = p.send("ah").await;
    assert_eq!(all_text(&r), id("chat-search-too-short"));
    let r = p.send("ahmad").await;
    assert!(all_text(&r).contains("Lebih dari 10"), "{r:?}");
    assert!(options(&r).is_empty());
    let r = p.send("fauzi").await;
    let opts = options(&r);
    assert_eq!(opts.len(), 1);
    let t = all_text(&r);
    assert!(
        t.contains("Ahmad Fauzi") && t.contains("B.I 231/2024"),
        "{t}"
    );
    assert!(!t.contains("Blok"), "only name and number: {t}");
    let r = p.tap_title("Ahmad Fauzi").await;
    let t = all_text(&r);
    assert!(t.contains("menunggu persetujuan petugas"), "{t}");
    let links = db
        .links(&LinkFilter {
            visitor_id: Some(visitor.id),
            limit: 10,
            ..LinkFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].status, jenguk_domain::LinkStatus::Pending);
    assert_eq!(links[0].inmate_id, w.fauzi.id);
    assert_eq!(links[0].relationship, jenguk_domain::Relationship::Spouse);

    // Pending: KUNJUNGAN says it waits; JADWAL shows the request.
    let r = p.send("KUNJUNGAN").await;
    assert!(all_text(&r).contains("masih menunggu"), "{r:?}");
    let r = p.send("jadwal").await;
    assert!(all_text(&r).contains("Menunggu persetujuan: Ahmad Fauzi"));

    // A registered number doing DAFTAR skips to the inmate: a tahanan gets the permit note.
    let r = p.send("DAFTAR").await;
    let t = all_text(&r);
    assert!(t.contains("sudah terdaftar atas nama Siti Aminah"), "{t}");
    assert!(t.contains(&id("chat-reg-ask-relationship")));
    p.tap_id("rel:spouse").await;
    p.tap(|id, _| id == format!("fac:{}", w.serang.id.0)).await;
    p.send("A.II 42").await;
    let r = p.tap_title("Rudi Hartono").await;
    let t = all_text(&r);
    assert!(t.contains("izin dari instansi penahan"), "{t}");
    // The same again: already asked.
    p.send("daftar").await;
    p.tap_id("rel:spouse").await;
    p.tap(|id, _| id == format!("fac:{}", w.serang.id.0)).await;
    p.send("rudi").await;
    let r = p.tap_title("Rudi Hartono").await;
    assert!(all_text(&r).contains("sudah pernah mengajukan"), "{r:?}");

    // The operator approves the link to Fauzi.
    db.decide_link(
        links[0].id,
        &LinkDecision::Approve {
            permit_number: None,
            permit_expires: None,
        },
        None,
        &AuditEvent::cli(),
        p.now(),
    )
    .await
    .unwrap();

    // KUNJUNGAN: one approved link, so straight to the days (the nearest ten).
    let r = p.send("kunjungan").await;
    let t = all_text(&r);
    assert!(
        t.contains("Kunjungan kepada Ahmad Fauzi di Rutan Kelas IIB Serang"),
        "{t}"
    );
    let days = options(&r);
    assert_eq!(days.len(), 10);
    assert_eq!(
        days[0],
        ("day:2026-12-01".into(), "Selasa, 1 Desember".into())
    );
    assert!(
        !days.iter().any(|(id, _)| id == "day:2026-12-06"),
        "no Sunday sessions"
    );

    // The day has 12 slots: two pages of 9 and a row to turn the page.
    let r = p.tap_id("day:2026-12-01").await;
    assert!(all_text(&r).contains("Selasa, 1 Desember 2026"));
    let slots = options(&r);
    assert_eq!(slots.len(), 10);
    assert_eq!(slots[0].1, "09.00–09.15 WIB");
    assert_eq!(slots[9].0, "page:1");
    let r = p.tap_id("page:1").await;
    let slots = options(&r);
    assert_eq!(slots.len(), 4);
    assert_eq!(slots[0].1, "11.15–11.30 WIB");
    assert_eq!(slots[3].0, "page:0");
    p.tap_id("page:0").await;
    let r = p.tap_title("09.00–09.15 WIB").await;
    let t = all_text(&r);
    assert!(t.contains("Selasa, 1 Desember 2026 pukul 09.00 WIB"), "{t}");
    assert!(t.contains("Ahmad Fauzi"), "{t}");
    let visits = db.visits_of_visitor(visitor.id, p.now()).await.unwrap();
    assert_eq!(visits.len(), 1);
    let booked = visits[0].clone();
    assert_eq!(booked.visit.status, VisitStatus::Booked);
    assert_eq!(booked.visit.inmate_id, w.fauzi.id);
    // The code goes out once, in the booking's own message.
    assert!(!t.contains(&booked.code.to_string()) && !t.contains(booked.code.as_str()));
    let outbox = db.outbox_messages(None, 100).await.unwrap();
    let key = format!("visit:{}:booked", booked.visit.id.0);
    let m = outbox
        .iter()
        .find(|m| m.key == key)
        .expect("visit_booked message");
    assert_eq!(m.kind, MessageKind::VisitBooked);
    assert_eq!(m.recipient, "+6281234560001");

    // JADWAL lists it, with the code and the join link.
    let r = p.send("JADWAL").await;
    let t = all_text(&r);
    assert!(
        t.contains("Selasa, 1 Desember 2026 pukul 09.00 WIB — Ahmad Fauzi"),
        "{t}"
    );
    assert!(t.contains(&booked.code.to_string()), "{t}");
    assert!(
        t.contains(&format!("{JOIN}/join/{}", booked.code.as_str())),
        "{t}"
    );

    // A second visit the same week is refused (weekly quotas): the reasons, translated, and
    // the next free slots.
    p.send("KUNJUNGAN").await;
    p.tap_id("day:2026-12-02").await;
    let r = p.tap_title("09.00–09.15 WIB").await;
    let t = all_text(&r);
    assert!(t.contains(&id("chat-refused")), "{t}");
    assert!(t.contains(&id("refusal-visitor_quota")), "{t}");
    assert!(t.contains(&id("refusal-inmate_quota")), "{t}");
    assert!(t.contains(&id("chat-next-slots")), "{t}");
    let next = options(&r);
    assert!(!next.is_empty());
    assert!(next.iter().all(|(id, _)| id.starts_with("slot:")));
    assert_eq!(next[0].1, "Selasa, 1 Des, 09.15");
    // MENU stops the step.
    let r = p.send("menu").await;
    assert!(is_menu(&r));
    assert_eq!(
        db.visits_of_visitor(visitor.id, p.now())
            .await
            .unwrap()
            .len(),
        1
    );

    // UBAH: the one visit, to Thursday 10:00.
    let r = p.send("ubah").await;
    assert!(all_text(&r).contains("Memindahkan kunjungan Selasa, 1 Desember 2026 pukul 09.00 WIB"));
    p.tap_id("day:2026-12-03").await;
    let r = p.tap_title("10.00–10.15 WIB").await;
    let t = all_text(&r);
    assert!(t.contains("Kamis, 3 Desember 2026 pukul 10.00 WIB"), "{t}");
    let old = db.visit_by_code(&booked.code).await.unwrap();
    assert_eq!(old.visit.status, VisitStatus::Cancelled);
    let visits: Vec<_> = db
        .visits_of_visitor(visitor.id, p.now())
        .await
        .unwrap()
        .into_iter()
        .filter(|v| v.visit.status == VisitStatus::Booked)
        .collect();
    assert_eq!(visits.len(), 1);
    let moved = visits[0].clone();
    assert_eq!(
        format_when(Lang::Id, moved.visit.start, &moved.time_zone),
        "Kamis, 3 Desember 2026 pukul 10.00 WIB"
    );
    let r = p.send("JADWAL").await;
    let t = all_text(&r);
    assert!(
        t.contains("Kamis, 3 Desember 2026") && !t.contains("Selasa, 1 Desember 2026"),
        "{t}"
    );

    // BATAL during another step only stops that step.
    p.send("KUNJUNGAN").await;
    let r = p.send("batal").await;
    assert!(all_text(&r).contains(&id("chat-aborted")));
    assert!(is_menu(&r));
    assert_eq!(
        db.visit_by_code(&moved.code).await.unwrap().visit.status,
        VisitStatus::Booked
    );

    // BATAL at the top level: a confirmation first; "no" keeps the visit.
    let r = p.send("BATAL").await;
    let t = all_text(&r);
    assert!(
        t.contains("Batalkan kunjungan Kamis, 3 Desember 2026 pukul 10.00 WIB"),
        "{t}"
    );
    assert_eq!(options(&r).len(), 2);
    let r = p.tap_id("no").await;
    assert!(all_text(&r).contains(&id("chat-cancel-kept")));
    assert_eq!(
        db.visit_by_code(&moved.code).await.unwrap().visit.status,
        VisitStatus::Booked
    );
    p.send("BATAL").await;
    let r = p.send("Ya").await;
    assert!(all_text(&r).contains("sudah dibatalkan"), "{r:?}");
    assert_eq!(
        db.visit_by_code(&moved.code).await.unwrap().visit.status,
        VisitStatus::Cancelled
    );
    let r = p.send("batal").await;
    assert!(all_text(&r).contains(&id("chat-cancel-none")));
    let r = p.send("jadwal").await;
    assert!(all_text(&r).contains(&id("chat-schedule-empty")));

    // Help: the commands, the BATAL rule, the facility's hours.
    let r = p.send("bantuan").await;
    let t = all_text(&r);
    assert!(t.contains("KELUAR"), "{t}");
    assert!(t.contains("BATAL hanya menghentikan langkah itu"), "{t}");
    assert!(
        t.contains("Jam kunjungan Rutan Kelas IIB Serang (waktu WIB)"),
        "{t}"
    );
    assert!(t.contains("Senin: 09.00–12.00"), "{t}");
    assert!(!t.contains("Minggu:"), "{t}");
}

#[tokio::test]
async fn english_on_request_and_kept_on_the_visitor() {
    let w = world().await;
    let p = Phone::new(&w, "+62 812 3456 0002");
    p.send("daftar").await;
    p.send("Budi Santoso").await;
    let r = p.send("ENGLISH").await;
    let t = all_text(&r);
    assert!(t.contains(&en("chat-lang-set")), "{t}");
    // The open question again, in English.
    assert!(t.contains(&en("chat-reg-ask-nik")), "{t}");
    let r = p.send("3171011708450001").await;
    let t = all_text(&r);
    assert!(t.contains("Thank you, Budi Santoso"), "{t}");
    let visitor = w.db.visitor_by_phone(&p.number).await.unwrap().unwrap();
    assert_eq!(w.db.visitor_lang(visitor.id).await.unwrap(), "en");
    // Text where an option is expected: said so, and the question again.
    let r = p.send("blah").await;
    assert!(all_text(&r).contains(&en("chat-not-understood")));
    assert!(all_text(&r).contains(&en("chat-reg-ask-relationship")));
    let r = p.send("EXIT").await;
    assert!(all_text(&r).contains(&en("chat-aborted")));
    let r = p.send("blah").await;
    assert!(all_text(&r).contains(&en("chat-not-understood")));
    assert!(options(&r).iter().any(|(_, t)| t == "REGISTER"));
    let r = p.send("schedule").await;
    assert!(all_text(&r).contains(&en("chat-schedule-empty")));
    let r = p.send("help").await;
    assert!(all_text(&r).contains("Monday: 09:00–12:00"), "{r:?}");
    // After the session ends, the visitor's language is kept.
    p.wait(31);
    let r = p.send("?").await;
    assert!(all_text(&r).contains(&en("chat-not-understood")));
    let r = p.send("id").await;
    assert!(all_text(&r).contains(&id("chat-lang-set")));
    assert_eq!(w.db.visitor_lang(visitor.id).await.unwrap(), "id");
    let _ = &w.rudi;
}

#[tokio::test]
async fn a_timed_out_or_unreadable_session_starts_over() {
    let w = world().await;
    let p = Phone::new(&w, "081234560003");
    let r = p.send("DAFTAR").await;
    assert_eq!(all_text(&r), id("chat-reg-ask-name"));
    // 31 minutes later the name is no answer to anything: the menu.
    p.wait(31);
    let r = p.send("Dewi Lestari").await;
    assert!(all_text(&r).contains(&id("chat-not-understood")));
    assert!(is_menu(&r));
    // A tap on a list from the old session is no longer valid.
    p.send("daftar").await;
    p.send("Dewi Lestari").await;
    p.send("3171015708450001").await;
    p.wait(31);
    let r = p
        .input(ChatInput::Choice {
            id: "rel:parent".into(),
            title: "Orang tua".into(),
        })
        .await;
    assert!(all_text(&r).contains(&id("chat-expired-choice")));
    assert!(is_menu(&r));
    // A menu tap works in any session.
    let r = p
        .input(ChatInput::Choice {
            id: "cmd:jadwal".into(),
            title: "JADWAL".into(),
        })
        .await;
    assert!(all_text(&r).contains(&id("chat-schedule-empty")));
    // A state that does not parse: the menu, then business as usual.
    w.db.save_chat_session(
        &p.number,
        &ChatSession {
            lang: "id".into(),
            state: serde_json::json!({"step": {"step": "from_a_future_version"}}),
        },
        SESSION_TTL_SECS,
        p.now(),
    )
    .await
    .unwrap();
    let r = p.send("3171015708450001").await;
    assert!(is_menu(&r));
    let r = p.send("DAFTAR").await;
    assert!(all_text(&r).contains("sudah terdaftar atas nama Dewi Lestari"));
}

#[tokio::test]
async fn a_nik_registered_with_another_number_is_sent_to_the_facility() {
    let w = world().await;
    let a = Phone::new(&w, "081234560004");
    a.send("daftar").await;
    a.send("Rina").await;
    a.send("3204110609970001").await;
    let b = Phone::new(&w, "081234560005");
    b.send("daftar").await;
    b.send("Rina Kedua").await;
    let r = b.send("3204110609970001").await;
    assert_eq!(all_text(&r), id("chat-reg-nik-taken"));
    assert!(w.db.visitor_by_phone(&b.number).await.unwrap().is_none());
    // And back at the top level.
    let r = b.send("apa").await;
    assert!(is_menu(&r));
}

#[tokio::test]
async fn many_facilities_are_searched_not_listed() {
    let w = world().await;
    for n in 1..=10 {
        w.db.create_facility(
            &NewFacility {
                code: FacilityCode::parse(&format!("LAPAS-KOTA-{n}")).unwrap(),
                name: format!("Lapas Kelas IIA Kota {n}"),
                kind: FacilityKind::Lapas,
                class: "IIA".into(),
                province: "Jawa Barat".into(),
                time_zone: "Asia/Jakarta".into(),
                policy: VisitPolicy::default(),
            },
            &AuditEvent::cli(),
            t0(),
        )
        .await
        .unwrap();
    }
    let p = Phone::new(&w, "081234560006");
    p.send("daftar").await;
    p.send("Andi").await;
    p.send("7371016301780004").await;
    let r = p.tap_id("rel:sibling").await;
    assert_eq!(all_text(&r), id("chat-reg-ask-facility-search"));
    assert!(options(&r).is_empty());
    let r = p.send("la").await;
    assert_eq!(all_text(&r), id("chat-search-too-short"));
    let r = p.send("lapas").await;
    assert!(all_text(&r).contains("Terlalu banyak"), "{r:?}");
    let r = p.send("jawa barat").await;
    assert_eq!(options(&r).len(), 10);
    let r = p.send("kota 1").await;
    // "Kota 1" and "Kota 10".
    assert_eq!(options(&r).len(), 2);
    let r = p.send("zzz").await;
    assert!(all_text(&r).contains("Tidak ada Rutan/Lapas"), "{r:?}");
    // A unique match is taken at once.
    let r = p.send("makassar").await;
    assert!(
        all_text(&r).contains("nomor registrasi warga binaan di Lapas Kelas I Makassar"),
        "{r:?}"
    );
    let r = p.send("nobody").await;
    assert!(all_text(&r).contains("Tidak ada warga binaan"), "{r:?}");
}

#[tokio::test]
async fn several_visits_are_chosen_from_a_list() {
    let w = world().await;
    let p = Phone::new(&w, "081234560007");
    p.send("daftar").await;
    p.send("Wati").await;
    p.send("3171011708450001").await;
    p.tap_id("rel:parent").await;
    p.tap(|id, _| id == format!("fac:{}", w.serang.id.0)).await;
    p.send("fauzi").await;
    p.tap_title("Ahmad Fauzi").await;
    let visitor = w.db.visitor_by_phone(&p.number).await.unwrap().unwrap();
    let link =
        w.db.links(&LinkFilter {
            visitor_id: Some(visitor.id),
            limit: 10,
            ..LinkFilter::default()
        })
        .await
        .unwrap()
        .remove(0);
    w.db.decide_link(
        link.id,
        &LinkDecision::Approve {
            permit_number: None,
            permit_expires: None,
        },
        None,
        &AuditEvent::cli(),
        p.now(),
    )
    .await
    .unwrap();
    // Two visits, in two weeks (one a week is allowed).
    for day in ["day:2026-12-01", "day:2026-12-08"] {
        p.send("KUNJUNGAN").await;
        p.tap_id(day).await;
        let r = p.tap_title("09.30–09.45 WIB").await;
        assert!(all_text(&r).contains(&id("chat-code-follows")), "{r:?}");
    }
    assert_eq!(
        w.db.visits_of_visitor(visitor.id, p.now())
            .await
            .unwrap()
            .len(),
        2
    );
    // UBAH: which visit, as a list.
    let r = p.send("UBAH").await;
    let opts = options(&r);
    assert_eq!(opts.len(), 2);
    assert_eq!(opts[1].1, "Selasa, 8 Des, 09.30");
    p.tap_title("Selasa, 8 Des, 09.30").await;
    p.tap_id("day:2026-12-09").await;
    let r = p.tap_title("11.00–11.15 WIB").await;
    assert!(
        all_text(&r).contains("Rabu, 9 Desember 2026 pukul 11.00 WIB"),
        "{r:?}"
    );
    // BATAL: which visit, then the confirmation.
    let r = p.send("batal").await;
    assert_eq!(options(&r).len(), 2);
    let r = p.tap_title("Rabu, 9 Des, 11.00").await;
    assert!(all_text(&r).contains("Rabu, 9 Desember 2026 pukul 11.00 WIB"));
    let r = p.tap_id("yes").await;
    assert!(all_text(&r).contains("sudah dibatalkan"));
    let left: Vec<_> =
        w.db.visits_of_visitor(visitor.id, p.now())
            .await
            .unwrap()
            .into_iter()
            .filter(|v| v.visit.status == VisitStatus::Booked)
            .collect();
    assert_eq!(left.len(), 1);
    // A tap on the old list after the change: no longer valid.
    let r = p
        .input(ChatInput::Choice {
            id: "slot:1796100000".into(),
            title: "x".into(),
        })
        .await;
    assert!(all_text(&r).contains(&id("chat-expired-choice")));
}

#[test]
fn commands_are_read_case_insensitively_in_both_languages() {
    for (text, want) in [
        ("daftar", Command::Register),
        (" Register! ", Command::Register),
        ("KUNJUNGAN", Command::Book),
        ("book", Command::Book),
        ("Visit", Command::Book),
        ("jadwal", Command::Schedule),
        ("SCHEDULE", Command::Schedule),
        ("Ubah", Command::Move),
        ("move", Command::Move),
        ("BATAL", Command::Cancel),
        ("cancel.", Command::Cancel),
        ("bantuan", Command::Help),
        ("HELP", Command::Help),
        ("menu", Command::Menu),
        ("keluar", Command::Menu),
        ("EN", Command::Lang(Lang::En)),
        ("english", Command::Lang(Lang::En)),
        ("id", Command::Lang(Lang::Id)),
        ("Bahasa  Indonesia", Command::Lang(Lang::Id)),
    ] {
        assert_eq!(Command::parse(text), Some(want), "{text}");
    }
    for text in ["", "?", "halo", "daftar sekarang", "3171011708450001"] {
        assert_eq!(Command::parse(text), None, "{text}");
    }
}
