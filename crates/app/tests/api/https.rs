//! `jenguk serve --tls-cert/--tls-key` serves HTTPS itself; the media and TURN flags.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use base64::Engine;

use crate::helpers::fresh_database;

const BIN: &str = env!("CARGO_BIN_EXE_jenguk");

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

#[tokio::test]
async fn serve_speaks_https_with_the_given_certificate_and_starts_the_media_relay() {
    let dir = std::env::temp_dir().join(crate::helpers::unique("jenguk-tls"));
    std::fs::create_dir_all(&dir).unwrap();
    let ck =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let cert_pem = pem("CERTIFICATE", ck.cert.der());
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, &cert_pem).unwrap();
    std::fs::write(&key, pem("PRIVATE KEY", &ck.signing_key.serialize_der())).unwrap();

    let database = fresh_database().await;
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database", &database])
        .args(["--media-udp", "127.0.0.1:0"])
        .arg("--tls-cert")
        .arg(&cert)
        .arg("--tls-key")
        .arg(&key)
        .env(
            "JENGUK_TURN_URLS",
            "turn:turn.example.id:3478?transport=udp",
        )
        .env("JENGUK_TURN_SECRET", "north")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (url, media) = tokio::task::spawn_blocking(move || {
        let mut media = None;
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.contains("media relay") {
                media = Some(line);
            } else if line.contains("listening on") {
                let url = line.split_whitespace().last().unwrap().to_string();
                return (url, media.expect("no media line before the listening line"));
            }
        }
        panic!("no listening line");
    })
    .await
    .unwrap();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    assert!(
        media.contains("media relay on UDP 127.0.0.1:")
            && media.contains("announced to browsers as 127.0.0.1:"),
        "{media}"
    );

    // Trusting the certificate: the handshake and the certificate check pass.
    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .build()
        .unwrap();
    let health: serde_json::Value = client
        .get(format!("{url}healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    // Not trusting it: refused, so it really is TLS with that certificate.
    assert!(reqwest::get(format!("{url}healthz")).await.is_err());
    // Plain HTTP on the same port gets no HTTP answer.
    let plain = url.replace("https://", "http://");
    assert!(
        reqwest::get(format!("{plain}healthz"))
            .await
            .map(|r| r.status() != reqwest::StatusCode::OK)
            .unwrap_or(true)
    );

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
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn half_a_tls_pair_or_turn_without_its_secret_is_refused() {
    let database = fresh_database().await;
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--database", &database])
            .args(args)
            .env_remove("JENGUK_TURN_SECRET")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let local = ["--media-udp", "127.0.0.1:0"];
    let out = run(&[&local[..], &["--tls-cert", "/nonexistent/cert.pem"]].concat());
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--tls-key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[&local[..], &["--turn-url", "turn:turn.example.id:3478"]].concat());
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TURN secret"), "{stderr}");
    let out = run(&["--media-udp", "not-an-address"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--media-udp"), "{stderr}");
}
