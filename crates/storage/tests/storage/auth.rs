//! Staff accounts and API tokens.

use jenguk_storage::{Role, StorageError};
use jiff::SignedDuration;

use crate::common::{Fx, Raw, Spec};

const PASSWORD: &str = "kata-sandi-rahasia";

#[tokio::test]
async fn tokens_are_issued_for_the_right_password_and_expire() {
    let (fx, g) = Fx::new().await;
    let f = fx.facility(Spec::default()).await;
    let db = &fx.db;

    let u = db
        .create_user(
            "Operator.Satu",
            PASSWORD,
            Role::Operator,
            Some(f.id),
            &fx.who,
            fx.now,
        )
        .await
        .expect("create user");
    assert_eq!(u.username, "operator.satu");
    assert_eq!(u.facility_id, Some(f.id));
    assert!(matches!(
        db.create_user(
            "operator.satu",
            PASSWORD,
            Role::Officer,
            Some(f.id),
            &fx.who,
            fx.now
        )
        .await,
        Err(StorageError::Conflict("username_taken"))
    ));
    assert!(matches!(
        db.create_user(
            "pendek",
            "short",
            Role::Officer,
            Some(f.id),
            &fx.who,
            fx.now
        )
        .await,
        Err(StorageError::Invalid("password_too_short"))
    ));
    assert!(matches!(
        db.create_user("tanpa.upt", PASSWORD, Role::Officer, None, &fx.who, fx.now)
            .await,
        Err(StorageError::Invalid("facility_required"))
    ));

    let ttl = SignedDuration::from_hours(8);
    let t = db
        .issue_token(
            " OPERATOR.satu ",
            PASSWORD,
            ttl,
            Some("127.0.0.1".into()),
            fx.now,
        )
        .await
        .expect("token");
    assert_eq!(t.user, u);
    // Stored instants are whole seconds, and so is what comes back.
    let whole = jiff::Timestamp::from_second(fx.now.as_second()).expect("ts");
    assert_eq!(t.expires_at, whole.checked_add(ttl).expect("ts"));

    assert!(matches!(
        db.issue_token("operator.satu", "kata-sandi-salah", ttl, None, fx.now)
            .await,
        Err(StorageError::Unauthorized)
    ));
    assert!(matches!(
        db.issue_token("tidak.ada", PASSWORD, ttl, None, fx.now)
            .await,
        Err(StorageError::Unauthorized)
    ));

    let at = |d: SignedDuration| fx.now.checked_add(d).expect("ts");
    assert_eq!(
        db.user_for_token(&t.token, fx.now).await.expect("lookup"),
        Some(u.clone())
    );
    assert_eq!(
        db.user_for_token(&t.token, at(SignedDuration::from_secs(8 * 3600 - 1)))
            .await
            .expect("lookup"),
        Some(u.clone())
    );
    assert_eq!(
        db.user_for_token(&t.token, at(ttl + SignedDuration::from_secs(1)))
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        db.user_for_token(&t.token, at(SignedDuration::from_hours(24)))
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        db.user_for_token("bukan-token", fx.now)
            .await
            .expect("lookup"),
        None
    );
    assert_eq!(
        db.user_for_token(&"x".repeat(10_000), fx.now)
            .await
            .expect("lookup"),
        None
    );

    let audit = db.audit_events(Some(f.id), 100).await.expect("audit");
    let issued = audit
        .iter()
        .find(|a| a.action == "auth.token")
        .expect("auth.token row");
    assert_eq!(issued.user_id, Some(u.id.0));
    assert_eq!(issued.source.as_deref(), Some("127.0.0.1"));

    // Neither the password nor the token is stored in clear.
    let mut raw = Raw::open(g.url()).await;
    let mut texts = raw.texts("SELECT * FROM users").await;
    texts.extend(raw.texts("SELECT * FROM api_tokens").await);
    texts.extend(raw.texts("SELECT * FROM audit_events").await);
    for text in &texts {
        assert!(!text.contains(PASSWORD), "password in clear: {text}");
        assert!(!text.contains(t.token.as_str()), "token in clear: {text}");
    }
    raw.close().await;
}
