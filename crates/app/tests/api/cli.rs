//! The `jenguk` binary: import, admin, graceful shutdown.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::helpers::{fresh_database, spawn_app};

const BIN: &str = env!("CARGO_BIN_EXE_jenguk");

#[tokio::test]
async fn import_names_every_bad_row_and_imports_nothing_unless_told() {
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(crate::helpers::unique("jenguk-csv"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("wbp.csv");
    std::fs::write(
        &file,
        "reg_number,name,status,block\nB.I 700/2025,Joko Susilo,narapidana,Blok D\nB.I 701/2025,,narapidana,\nA.I 3/2026,Rahmat,tahanan,Blok A\n",
    )
    .unwrap();
    let facility = app
        .db
        .facility(&jenguk_domain::FacilityCode::parse("RUTAN-SERANG").unwrap())
        .await
        .unwrap();
    let count = || async {
        app.db
            .search_inmates(
                facility.id,
                &jenguk_storage::InmateSearch {
                    query: None,
                    limit: 200,
                    offset: 0,
                },
            )
            .await
            .unwrap()
            .len()
    };
    let before = count().await;
    let out = Command::new(BIN)
        .args([
            "import",
            "inmates",
            "--facility",
            "RUTAN-SERANG",
            "--database",
            &app.database_url,
        ])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("wbp.csv:3:") && stderr.contains("nothing imported"),
        "{stderr}"
    );
    assert_eq!(count().await, before);

    let out = Command::new(BIN)
        .args([
            "import",
            "inmates",
            "--skip-bad",
            "--facility",
            "RUTAN-SERANG",
            "--database",
            &app.database_url,
        ])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 new"), "{stdout}");
    assert_eq!(count().await, before + 2);
    app.stop().await;
}

#[tokio::test]
async fn admin_create_user_reads_the_password_from_stdin() {
    let app = spawn_app().await;
    let mut child = Command::new(BIN)
        .args([
            "admin",
            "create-user",
            "--username",
            "kepala.serang",
            "--role",
            "facility_admin",
            "--facility",
            "RUTAN-SERANG",
            "--database",
            &app.database_url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"rahasia-kepala-2026\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.token("kepala.serang", "rahasia-kepala-2026").await;

    let out = Command::new(BIN)
        .args([
            "admin",
            "create-user",
            "--username",
            "x.y",
            "--role",
            "warden",
            "--database",
            &app.database_url,
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role"));
    app.stop().await;
}

#[tokio::test]
async fn serve_prints_its_address_and_stops_cleanly_on_sigterm() {
    let database = fresh_database().await;
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &database])
        // Not the default 0.0.0.0:3478: tests run side by side.
        .args(["--media-udp", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        let mut lines = BufReader::new(stdout).lines();
        lines.find_map(|l| l.ok().filter(|l| l.contains("listening on")))
    })
    .await
    .unwrap()
    .expect("no listening line");
    let url = line.split_whitespace().last().unwrap().to_string();
    let health: serde_json::Value = reqwest::get(format!("{url}healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "exit status {status:?}");
}

/// A `jenguk demo` killed while WhatsApp holds a message it already took, then restarted
/// on the same address: WhatsApp's status report settles that message, so it is not sent
/// again, and every other message is delivered after the restart — each exactly once.
#[tokio::test]
async fn a_server_killed_mid_delivery_neither_loses_nor_repeats_a_message() {
    use crate::fake_graph::{
        APP_SECRET, Behavior, FakeGraph, PHONE_NUMBER_ID, TOKEN, VERIFY_TOKEN,
    };
    let fake = FakeGraph::start().await;
    fake.script("visit:1:booked", [Behavior::AcceptThenHang]);
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    fake.report_to(&format!("http://127.0.0.1:{port}/webhooks/whatsapp"));
    let database = fresh_database().await;
    let start = || {
        Command::new(BIN)
            .args([
                "demo",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--database",
                &database,
            ])
            .env("JENGUK_WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID)
            .env("JENGUK_WHATSAPP_TOKEN", TOKEN)
            .env("JENGUK_WHATSAPP_APP_SECRET", APP_SECRET)
            .env("JENGUK_WHATSAPP_VERIFY_TOKEN", VERIFY_TOKEN)
            .env("JENGUK_WHATSAPP_API_BASE", &fake.url)
            .env("JENGUK_OUTBOX_LEASE_SECS", "2")
            .env("JENGUK_OUTBOX_GRACE_SECS", "4")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut first = start();
    // Wait until WhatsApp has taken the booking confirmation (and the sender hangs on it).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while fake.requests_for("visit:1:booked").is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the demo never sent its confirmation"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let mut second = start();
    // Past the lease and the grace period, with time to deliver everything.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let db = jenguk_storage::Db::connect(&database).await.unwrap();
    let all = db.outbox_messages(None, 1000).await.unwrap();
    assert!(
        all.len() >= 8,
        "the demo enqueues its messages: {}",
        all.len()
    );
    for m in &all {
        let got = fake.requests_for(&m.key);
        let delivered = got.iter().filter(|r| r.delivered).count();
        assert_eq!(
            delivered,
            1,
            "{} delivered {delivered} times ({} requests)",
            m.key,
            got.len()
        );
        assert!(
            ["sent", "delivered", "read"].contains(&m.status.as_str()),
            "{m:?}"
        );
    }
    Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(second.wait().unwrap().success());
}
