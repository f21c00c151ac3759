//! PostgreSQL over TLS: a remote database must not be reached in plaintext. The test makes a
//! self-signed certificate (openssl), has the test cluster serve it (`ssl = on`, reloaded, in its data
//! directory so that a restart still finds it; plain connections keep working), and connects the way
//! the server does (`server::store::connect`) with `sslmode=require`, then with `sslmode=verify-full`
//! and the certificate as the trusted root; PostgreSQL itself says the session is encrypted.
//! Needs the cluster on this machine and the right to write its data directory (the tests run as
//! root, as in `cargo xtask test`), unless it already serves the certificate this test made.

use std::{path::Path, process::Command, str::FromStr, time::Duration};

use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgSslMode},
};

use crate::helpers::DEFAULT_TEST_POSTGRES;

/// The certificate and key this test puts in the cluster's data directory.
const CERT: &str = "motcua-test-tls.crt";
const KEY: &str = "motcua-test-tls.key";

#[tokio::test]
async fn the_server_reaches_postgresql_over_tls() {
    // Arrange: the cluster serves a certificate this test made.
    let base =
        std::env::var("MOTCUA_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_owned());
    let admin = PgPool::connect(&base).await.unwrap_or_else(|e| {
        panic!("PostgreSQL is required for this test and is not reachable at {base}: {e:#}")
    });
    let cert = serve_a_test_certificate(&admin).await;
    let with = |params: &str| {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}{params}")
    };

    // Act: the server's own connection, TLS required; then the certificate verified.
    let store = server::store::connect(&with("sslmode=require"))
        .await
        .expect("the server connects with sslmode=require");
    store.ping().await.expect("and talks over it");
    store.close().await;
    let required = PgPool::connect(&with("sslmode=require"))
        .await
        .expect("sslmode=require");
    let verified = PgPool::connect_with(
        PgConnectOptions::from_str(&base)
            .expect("URL")
            .ssl_mode(PgSslMode::VerifyFull)
            .ssl_root_cert(&cert),
    )
    .await
    .expect("sslmode=verify-full with the test's certificate as the root");
    let plain = PgPool::connect(&with("sslmode=disable"))
        .await
        .expect("plain connections keep working");

    // Assert: PostgreSQL says which sessions are encrypted.
    let encrypted = |pool: PgPool| async move {
        let ssl: bool =
            sqlx::query_scalar("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
                .fetch_one(&pool)
                .await
                .expect("pg_stat_ssl");
        pool.close().await;
        ssl
    };
    assert!(encrypted(required).await, "sslmode=require is encrypted");
    assert!(
        encrypted(verified).await,
        "sslmode=verify-full is encrypted"
    );
    assert!(!encrypted(plain).await, "sslmode=disable is not");
    admin.close().await;
}

/// Has the cluster serve the certificate of [`CERT`] (made here once), and returns its path.
async fn serve_a_test_certificate(admin: &PgPool) -> String {
    let show = |name: &'static str| async move {
        sqlx::query_scalar::<_, String>(&format!("SHOW {name}"))
            .fetch_one(admin)
            .await
            .unwrap_or_else(|e| panic!("SHOW {name}: {e}"))
    };
    let data_dir = show("data_directory").await;
    let cert = Path::new(&data_dir).join(CERT);
    let key = Path::new(&data_dir).join(KEY);
    let serving =
        show("ssl").await == "on" && show("ssl_cert_file").await == cert.to_string_lossy();
    if serving && cert.exists() {
        return cert.to_string_lossy().into_owned();
    }
    let owner = std::fs::metadata(&data_dir).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL does not serve TLS with this test's certificate, and its data directory {data_dir} \
             is not on this machine ({e}): run the tests next to the cluster, or turn on ssl with \
             ssl_cert_file = '{}' yourself",
            cert.display()
        )
    });
    if !(cert.exists() && key.exists()) {
        make_certificate(&data_dir, &cert, &key, &owner);
    }
    for sql in [
        format!("ALTER SYSTEM SET ssl_cert_file = '{}'", cert.display()),
        format!("ALTER SYSTEM SET ssl_key_file = '{}'", key.display()),
        "ALTER SYSTEM SET ssl = on".to_owned(),
    ] {
        sqlx::query(&sql)
            .execute(admin)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    let reloaded: bool = sqlx::query_scalar("SELECT pg_reload_conf()")
        .fetch_one(admin)
        .await
        .expect("pg_reload_conf");
    assert!(reloaded, "PostgreSQL reloads its configuration");
    // The postmaster reloads a moment later.
    for _ in 0..100 {
        if show("ssl_cert_file").await == cert.to_string_lossy() && show("ssl").await == "on" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    cert.to_string_lossy().into_owned()
}

/// A self-signed certificate for 127.0.0.1 and localhost (not a CA: what a server presents), its key
/// readable by the cluster's owner only, moved into the data directory whole.
fn make_certificate(data_dir: &str, cert: &Path, key: &Path, owner: &std::fs::Metadata) {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let tmp =
        Path::new(data_dir).join(format!("motcua-test-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir(&tmp).expect("a directory for the new certificate");
    let (new_cert, new_key) = (tmp.join(CERT), tmp.join(KEY));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "3650",
            "-subj",
            "/CN=motcua test PostgreSQL",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ])
        .arg("-keyout")
        .arg(&new_key)
        .arg("-out")
        .arg(&new_cert)
        .output()
        .expect("openssl, to make the test's certificate (apt-get install openssl)");
    assert!(
        made.status.success(),
        "openssl failed: {}",
        String::from_utf8_lossy(&made.stderr)
    );
    for (file, mode) in [(&new_key, 0o600), (&new_cert, 0o644)] {
        std::os::unix::fs::chown(file, Some(owner.uid()), Some(owner.gid()))
            .expect("the cluster's owner owns the certificate (run the tests as root)");
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).expect("mode");
    }
    // The key first: a cluster told to use the certificate finds its key.
    std::fs::rename(&new_key, key).expect("the key into the data directory");
    std::fs::rename(&new_cert, cert).expect("the certificate into the data directory");
    let _ = std::fs::remove_dir_all(&tmp);
}
