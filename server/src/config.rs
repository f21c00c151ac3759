use std::{net::SocketAddr, path::PathBuf, time::Duration};

use crate::rate_limit::TrustedProxies;

/// Where the server listens when nothing else is said.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The server's configuration, read once by `main` from flags and environment, built by hand in tests.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address and port to listen on.
    pub bind: SocketAddr,
    /// Directory for the SQLite database (unless `database_url` says otherwise) and uploaded files.
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres:…`; `None` means a SQLite file in the data directory.
    pub database_url: Option<String>,
    /// `s3://bucket` for S3-compatible storage; `None` means the `files/` directory in the data directory.
    pub files_url: Option<String>,
    /// The built app (Trunk's `dist/`).
    pub dist_dir: PathBuf,
    /// Sizes the server accepts.
    pub limits: Limits,
    /// The address citizens reach the server at (for links in receipts and QR codes); default
    /// `http://<bind>`.
    pub public_url: Option<String>,
    /// Sign-in codes, sessions and staff passwords.
    pub auth: AuthSettings,
    /// The SMS gateway; without a URL messages go to `<data-dir>/sms.log`.
    pub sms: crate::sms::SmsConfig,
    /// Sign-in with the national e-identity (VNeID) by OpenID Connect; off without an issuer.
    pub oidc: OidcSettings,
    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default: the client is
    /// the connection's address).
    pub trusted_proxies: TrustedProxies,
    /// Who may read `/metrics`.
    pub metrics: MetricsSettings,
    /// A connection that has not sent a whole request head this long after it opened (or after its
    /// previous answer) is closed (default 15 s).
    pub header_read_timeout: Duration,
    /// The push services subscriptions may name and the server posts to (default: the browsers' own,
    /// [`DEFAULT_PUSH_HOSTS`](crate::notify::DEFAULT_PUSH_HOSTS)).
    pub push_hosts: crate::notify::PushHosts,
}

/// Where `/metrics` is served. Without a token or an address of its own it is not served at all.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// `/metrics` on the main address answers requests with `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// A second address serving `/metrics` alone (e.g. 127.0.0.1:9090, or an address of the private
    /// network the scraper is on); also behind the token when one is set.
    pub bind: Option<SocketAddr>,
}

impl std::fmt::Debug for MetricsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsSettings")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("bind", &self.bind)
            .finish()
    }
}

/// How long a client may take to send a request head (and a kept-alive connection may idle).
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// The OpenID provider citizens sign in with (VNeID, through the national portal's single sign-on),
/// and how its ID token's claims map to a verified identity. Each claim name is a key of the ID token,
/// or a dotted path into an object claim (`address.formatted`).
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`); `None`:
    /// the method is off.
    pub issuer: Option<String>,
    /// The client id motcua is registered under.
    pub client_id: Option<String>,
    /// The client secret (`client_secret_basic`); `None` for a public client (PKCE only).
    pub client_secret: Option<String>,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The claim with the 12-digit personal identity number.
    pub claim_identity_number: String,
    /// The claim with the full name.
    pub claim_full_name: String,
    /// The claim with the birth date (`YYYY-MM-DD`, also `DD/MM/YYYY`).
    pub claim_birth_date: String,
    /// The claim with the gender.
    pub claim_gender: String,
    /// The claim with the address (a string).
    pub claim_address: String,
    /// The claim with the assurance level.
    pub claim_assurance_level: String,
    /// The lowest assurance level accepted (compared as numbers when both are); asked for as
    /// `acr_values` too.
    pub min_assurance_level: Option<String>,
}

impl OidcSettings {
    /// Issuer and client id are both set.
    #[must_use]
    pub const fn enabled(&self) -> bool {
        self.issuer.is_some() && self.client_id.is_some()
    }
}

impl Default for OidcSettings {
    fn default() -> Self {
        Self {
            issuer: None,
            client_id: None,
            client_secret: None,
            scopes: vec!["profile".into(), "address".into(), "phone".into()],
            claim_identity_number: "identity_number".into(),
            claim_full_name: "name".into(),
            claim_birth_date: "birthdate".into(),
            claim_gender: "gender".into(),
            claim_address: "address.formatted".into(),
            claim_assurance_level: "acr".into(),
            min_assurance_level: None,
        }
    }
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("scopes", &self.scopes)
            .field("claim_identity_number", &self.claim_identity_number)
            .field("claim_full_name", &self.claim_full_name)
            .field("claim_birth_date", &self.claim_birth_date)
            .field("claim_gender", &self.claim_gender)
            .field("claim_address", &self.claim_address)
            .field("claim_assurance_level", &self.claim_assurance_level)
            .field("min_assurance_level", &self.min_assurance_level)
            .finish()
    }
}

/// Sign-in and session settings (configurable; the defaults are the issue's).
#[derive(Clone, PartialEq, Eq)]
pub struct AuthSettings {
    /// The server's secret for hashing sign-in codes (any text, at least 32 characters); `None`: a
    /// random one kept in `<data-dir>/secret.key`. Several servers on one database must share it.
    pub secret: Option<String>,
    /// A sign-in code works this many seconds (default 300).
    pub otp_ttl_secs: u32,
    /// A new code for the same phone only after this many seconds (default 60).
    pub otp_resend_secs: u32,
    /// Codes sent to one phone an hour (default 5).
    pub otp_per_phone_per_hour: u32,
    /// Codes asked for from one client address an hour (default 20).
    pub otp_per_ip_per_hour: u32,
    /// Wrong tries before a code stops working (default 5).
    pub otp_max_attempts: u32,
    /// Wrong codes one client address may try an hour, whatever the number (default 30); a right
    /// code does not count. Counted in the database, so it holds across servers.
    pub otp_verify_per_ip_per_hour: u32,
    /// Wrong passwords from one address for one login name before that address must wait (default
    /// 5); then it waits 2^n seconds after the n-th. The account itself is never locked: other
    /// addresses are not affected.
    pub staff_max_failures: u32,
    /// The longest of those waits, minutes (default 15).
    pub staff_lock_minutes: u32,
    /// Wrong staff passwords one client address may try an hour, whatever the login name (default 30).
    pub staff_failures_per_ip_per_hour: u32,
    /// A staff session ends after this many minutes without a request (default 8 h).
    pub staff_idle_minutes: u32,
    /// and at the latest this many minutes after sign-in (default 12 h).
    pub staff_max_minutes: u32,
    /// A citizen session lasts this many days (default 30).
    pub citizen_days: u32,
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field("otp_ttl_secs", &self.otp_ttl_secs)
            .field("otp_resend_secs", &self.otp_resend_secs)
            .field("otp_per_phone_per_hour", &self.otp_per_phone_per_hour)
            .field("otp_per_ip_per_hour", &self.otp_per_ip_per_hour)
            .field("otp_max_attempts", &self.otp_max_attempts)
            .field(
                "otp_verify_per_ip_per_hour",
                &self.otp_verify_per_ip_per_hour,
            )
            .field("staff_max_failures", &self.staff_max_failures)
            .field("staff_lock_minutes", &self.staff_lock_minutes)
            .field(
                "staff_failures_per_ip_per_hour",
                &self.staff_failures_per_ip_per_hour,
            )
            .field("staff_idle_minutes", &self.staff_idle_minutes)
            .field("staff_max_minutes", &self.staff_max_minutes)
            .field("citizen_days", &self.citizen_days)
            .finish()
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            secret: None,
            otp_ttl_secs: 300,
            otp_resend_secs: 60,
            otp_per_phone_per_hour: 5,
            otp_per_ip_per_hour: 20,
            otp_max_attempts: 5,
            otp_verify_per_ip_per_hour: 30,
            staff_max_failures: 5,
            staff_lock_minutes: 15,
            staff_failures_per_ip_per_hour: 30,
            staff_idle_minutes: 8 * 60,
            staff_max_minutes: 12 * 60,
            citizen_days: 30,
        }
    }
}

/// Upload and submission limits (configurable; the defaults are the issues').
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file, in bytes (default 10 MB).
    pub max_file_bytes: u64,
    /// Largest total of a dossier's files, in bytes (default 50 MB).
    pub max_dossier_bytes: u64,
    /// Dossier look-ups (and name checks) a minute from one address (default 30).
    pub lookups_per_minute: u32,
    /// New dossiers one citizen account may file online in an hour (default 10); each texts the
    /// applicant's phone. Counted in the database, so the limit holds across servers.
    pub dossiers_per_account_per_hour: u32,
    /// New dossiers one citizen account may file online in 24 hours (default 30).
    pub dossiers_per_account_per_day: u32,
    /// New dossiers filed online from one client address (an IPv6 one by its /64) in an hour
    /// (default 60): several accounts on one machine. Generous, since a mobile carrier puts many
    /// people behind one address; the per-account limits come first.
    pub dossiers_per_address_per_hour: u32,
    /// Bytes one person (or dossier-scoped access) may upload a day, UTC (default 200 MB).
    pub upload_bytes_per_day: u64,
    /// Bytes one client address (IPv6: its /64) may upload a day, UTC (default 2 GB: many people share
    /// a carrier's address).
    pub upload_bytes_per_address_day: u64,
    /// Memory all uploads in progress may hold at once, in bytes (default 64 MB).
    pub upload_memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 10_000_000,
            max_dossier_bytes: 50_000_000,
            lookups_per_minute: 30,
            dossiers_per_account_per_hour: 10,
            dossiers_per_account_per_day: 30,
            dossiers_per_address_per_hour: 60,
            upload_bytes_per_day: 200_000_000,
            upload_bytes_per_address_day: 2_000_000_000,
            upload_memory_bytes: 64_000_000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: None,
            files_url: None,
            dist_dir: PathBuf::from("dist"),
            limits: Limits::default(),
            public_url: None,
            auth: AuthSettings::default(),
            sms: crate::sms::SmsConfig::default(),
            oidc: OidcSettings::default(),
            trusted_proxies: TrustedProxies::none(),
            metrics: MetricsSettings::default(),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            push_hosts: crate::notify::PushHosts::default(),
        }
    }
}

impl Config {
    /// The database URL in effect.
    #[must_use]
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            format!("sqlite://{}", self.data_dir.join("motcua.sqlite").display())
        })
    }

    /// The public address in effect.
    #[must_use]
    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.bind))
    }

    /// Where uploaded files go when no object store is configured.
    #[must_use]
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }
}
