//! `motcua`: the server binary. It only parses the command line, sets up logging and calls the library.

use std::{
    io::{IsTerminal as _, Write as _},
    net::SocketAddr,
    path::PathBuf,
};

use clap::{Args, Parser, Subcommand};
use server::{
    AuthSettings, Config, DEFAULT_BIND, Limits, MetricsSettings, OidcSettings,
    rate_limit::TrustedProxies, shutdown_signal,
};
use tracing_subscriber::EnvFilter;

/// motcua — Quảng Ngãi's online one-stop service: the API, the public pages and the phone app.
#[derive(Debug, Parser)]
#[command(name = "motcua", version, about, long_about = None)]
struct Cli {
    /// How log lines are written to stderr: text (for a person) or json (one JSON object a line, for a
    /// log collector).
    #[arg(long, env = "MOTCUA_LOG_FORMAT", default_value = "text", global = true)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply migrations, create the first administrator if there is none (its password is printed
    /// once), and serve the API, the pages and the built app until Ctrl-C or SIGTERM.
    Serve(Box<ServeArgs>),
    /// Apply the database migrations and exit.
    Migrate(DbArgs),
    /// Staff accounts.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Print the due date (YYYY-MM-DD) of a dossier received at a moment, counting working days in
    /// Vietnam (weekends, public holidays, compensatory and swapped days; 15:00 cut-off).
    DueDate {
        /// When the dossier was received, RFC 3339 (e.g. 2026-11-23T09:30:00+07:00).
        #[arg(long)]
        received: String,
        /// The procedure's processing time in working days.
        #[arg(long)]
        working_days: u32,
        /// An online dossier: decided 20 % sooner (rounded to the nearest day, at least 1).
        #[arg(long)]
        online: bool,
    },
    /// Print every public-holiday date of a year (also those on a weekend), the compensatory and swapped
    /// days, each with its name and whether it comes from the official schedule or the computed fallback.
    Holidays {
        /// The year, e.g. 2026.
        year: i32,
        /// Language of the names: vi or en.
        #[arg(long, default_value = "vi")]
        lang: domain::Lang,
    },
    /// Validate a form saved as JSON: prints the errors as JSON; exit 0 valid, 1 invalid, 2 unreadable.
    Validate {
        /// thong-bao-khuyen-mai, dang-ky-ho-kinh-doanh, thay-doi-ho-kinh-doanh or cham-dut-ho-kinh-doanh.
        procedure: String,
        /// The form's JSON file.
        file: PathBuf,
        /// Language of the messages: vi or en.
        #[arg(long, default_value = "vi")]
        lang: domain::Lang,
    },
}

#[derive(Debug, Subcommand)]
enum StaffCommand {
    /// Add a staff account; its temporary password is printed once and must be changed at the first
    /// sign-in.
    Add {
        /// Login name: 3–32 of a-z, 0-9, dot, underscore, hyphen.
        #[arg(long)]
        username: String,
        /// Full name, as shown.
        #[arg(long)]
        name: String,
        /// administrator, commune_officer, trade_officer or supervisor.
        #[arg(long, value_parser = parse_role)]
        role: domain::api::Role,
        /// A commune code (5 digits) or SCT the account covers; repeat for several.
        #[arg(long = "jurisdiction")]
        jurisdictions: Vec<String>,
        /// Position (chức danh), which decides how documents the account issues are signed:
        /// truong_phong, pho_truong_phong or chuyen_vien; for an account of SCT alone also giam_doc or
        /// pho_giam_doc.
        #[arg(long, value_parser = parse_title, default_value = "chuyen_vien")]
        title: domain::accounts::Title,
        #[command(flatten)]
        db: DbArgs,
    },
}

fn parse_role(raw: &str) -> Result<domain::api::Role, String> {
    domain::api::Role::parse(raw.trim()).ok_or_else(|| {
        format!(
            "unknown role {raw:?}: use administrator, commune_officer, trade_officer or supervisor"
        )
    })
}

fn parse_title(raw: &str) -> Result<domain::accounts::Title, String> {
    domain::accounts::Title::parse(raw.trim()).ok_or_else(|| {
        format!(
            "unknown position {raw:?}: use giam_doc, pho_giam_doc, truong_phong, pho_truong_phong or chuyen_vien"
        )
    })
}

#[derive(Debug, Args)]
struct DbArgs {
    /// Directory for the SQLite database (motcua.sqlite) and uploaded files (files/).
    #[arg(long, env = "MOTCUA_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Database to use: sqlite://<file> or postgres://user@host:port/db. Default: a SQLite file in the
    /// data directory.
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "MOTCUA_BIND", default_value = DEFAULT_BIND)]
    bind: SocketAddr,
    /// The built app (Trunk's output, made by `cargo xtask build`).
    #[arg(long, env = "MOTCUA_DIST_DIR", default_value = "dist")]
    dist_dir: PathBuf,
    /// Where uploaded files go: s3://<bucket> for S3-compatible storage (endpoint and keys from AWS_ENDPOINT,
    /// AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY; AWS_ALLOW_HTTP=true for plain HTTP). Default: the
    /// files/ directory in the data directory.
    #[arg(long, env = "MOTCUA_FILES_URL")]
    files_url: Option<String>,
    /// Largest uploaded file, in bytes.
    #[arg(long, env = "MOTCUA_MAX_FILE_BYTES", default_value_t = Limits::default().max_file_bytes)]
    max_file_bytes: u64,
    /// Largest total of one dossier's files, in bytes.
    #[arg(long, env = "MOTCUA_MAX_DOSSIER_BYTES", default_value_t = Limits::default().max_dossier_bytes)]
    max_dossier_bytes: u64,
    /// Dossier look-ups a minute from one client address; more are answered 429.
    #[arg(long, env = "MOTCUA_LOOKUPS_PER_MINUTE", default_value_t = Limits::default().lookups_per_minute)]
    lookups_per_minute: u32,
    /// New dossiers one citizen account may file online in an hour; more are answered 429.
    #[arg(long, env = "MOTCUA_DOSSIERS_PER_ACCOUNT_PER_HOUR", default_value_t = Limits::default().dossiers_per_account_per_hour)]
    dossiers_per_account_per_hour: u32,
    /// New dossiers one citizen account may file online in 24 hours; more are answered 429.
    #[arg(long, env = "MOTCUA_DOSSIERS_PER_ACCOUNT_PER_DAY", default_value_t = Limits::default().dossiers_per_account_per_day)]
    dossiers_per_account_per_day: u32,
    /// New dossiers filed online from one client address (an IPv6 one by its /64) in an hour; more
    /// are answered 429.
    #[arg(long, env = "MOTCUA_DOSSIERS_PER_ADDRESS_PER_HOUR", default_value_t = Limits::default().dossiers_per_address_per_hour)]
    dossiers_per_address_per_hour: u32,
    /// Bytes one person (or dossier-scoped access) may upload a day (UTC); more are answered 429.
    #[arg(long, env = "MOTCUA_UPLOAD_BYTES_PER_DAY", default_value_t = Limits::default().upload_bytes_per_day)]
    upload_bytes_per_day: u64,
    /// Bytes one client address (IPv6: its /64) may upload a day (UTC); more are answered 429.
    #[arg(long, env = "MOTCUA_UPLOAD_BYTES_PER_ADDRESS_DAY", default_value_t = Limits::default().upload_bytes_per_address_day)]
    upload_bytes_per_address_day: u64,
    /// Memory all uploads in progress may hold at once, in bytes; a request over it waits, then is
    /// answered 429 with Retry-After.
    #[arg(long, env = "MOTCUA_UPLOAD_MEMORY_BYTES", default_value_t = Limits::default().upload_memory_bytes)]
    upload_memory_bytes: u64,
    /// The reverse proxies in front of this server, as addresses or networks separated by commas
    /// (e.g. 10.0.0.0/8,192.168.1.5). A request whose connection comes from one of them is from the
    /// right-most X-Forwarded-For address that is not one of them; X-Forwarded-For from anyone else is
    /// ignored. Default: none, the client is the connection's address.
    #[arg(long, env = "MOTCUA_TRUSTED_PROXIES")]
    trusted_proxies: Option<TrustedProxies>,
    /// Shorthand for adding 127.0.0.0/8 and ::1 to the trusted proxies (a reverse proxy on this
    /// machine).
    #[arg(long, env = "MOTCUA_TRUST_FORWARDED")]
    trust_forwarded: bool,
    /// Seconds a client may take to send a request's head (also the longest a kept-alive connection
    /// may idle); slower connections are closed.
    #[arg(long, env = "MOTCUA_HEADER_READ_TIMEOUT_SECS", default_value_t = server::DEFAULT_HEADER_READ_TIMEOUT.as_secs())]
    header_read_timeout_secs: u64,
    /// GET /metrics on the main address answers only requests with "Authorization: Bearer <token>".
    /// Without a token or --metrics-bind, /metrics is not served.
    #[arg(long, env = "MOTCUA_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// A second address serving only GET /metrics (e.g. 127.0.0.1:9090); without a token, anyone who
    /// reaches this address may read it.
    #[arg(long, env = "MOTCUA_METRICS_BIND")]
    metrics_bind: Option<SocketAddr>,
    /// The push services browsers' notification subscriptions may name, and the only addresses the
    /// server sends notifications to: host names separated by commas, "*.domain" for any name under a
    /// domain; https on port 443 unless an entry says "host:port" or "http://host:port"; an IP address
    /// only when listed. A name must lead to public addresses.
    #[arg(long, env = "MOTCUA_PUSH_HOSTS", default_value = server::notify::DEFAULT_PUSH_HOSTS)]
    push_hosts: server::notify::PushHosts,
    /// The address citizens reach this server at, used in receipts and QR codes (e.g.
    /// https://motcua.quangngai.gov.vn). Default: http://<bind>.
    #[arg(long, env = "MOTCUA_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    sms: SmsArgs,
    #[command(flatten)]
    oidc: OidcArgs,
    #[command(flatten)]
    db: DbArgs,
}

/// Sign-in with the national e-identity (VNeID) by OpenID Connect.
#[derive(Debug, Args)]
struct OidcArgs {
    /// The OpenID provider's issuer URL (VNeID through the national portal, or `node
    /// tests/oidc/provider.mjs` in development). Without it, citizens sign in by phone only.
    #[arg(long, env = "MOTCUA_OIDC_ISSUER")]
    oidc_issuer: Option<String>,
    /// The client id motcua is registered under at the provider (redirect URI:
    /// <public-url>/api/v1/auth/vneid/callback).
    #[arg(long, env = "MOTCUA_OIDC_CLIENT_ID")]
    oidc_client_id: Option<String>,
    /// The client secret (omit for a public client).
    #[arg(long, env = "MOTCUA_OIDC_CLIENT_SECRET", hide_env_values = true)]
    oidc_client_secret: Option<String>,
    /// Scopes asked for besides openid, separated by spaces or commas.
    #[arg(
        long,
        env = "MOTCUA_OIDC_SCOPES",
        default_value = "profile address phone"
    )]
    oidc_scopes: String,
    /// The ID-token claim with the 12-digit identity number (a dotted path reaches into an object).
    #[arg(long, env = "MOTCUA_OIDC_CLAIM_IDENTITY_NUMBER", default_value_t = OidcSettings::default().claim_identity_number)]
    oidc_claim_identity_number: String,
    /// The claim with the full name.
    #[arg(long, env = "MOTCUA_OIDC_CLAIM_NAME", default_value_t = OidcSettings::default().claim_full_name)]
    oidc_claim_name: String,
    /// The claim with the birth date (YYYY-MM-DD or DD/MM/YYYY).
    #[arg(long, env = "MOTCUA_OIDC_CLAIM_BIRTHDATE", default_value_t = OidcSettings::default().claim_birth_date)]
    oidc_claim_birthdate: String,
    /// The claim with the gender (male/female, nam/nữ).
    #[arg(long, env = "MOTCUA_OIDC_CLAIM_GENDER", default_value_t = OidcSettings::default().claim_gender)]
    oidc_claim_gender: String,
    /// The claim with the address.
    #[arg(long, env = "MOTCUA_OIDC_CLAIM_ADDRESS", default_value_t = OidcSettings::default().claim_address)]
    oidc_claim_address: String,
    /// The claim with the assurance level.
    #[arg(long, env = "MOTCUA_OIDC_CLAIM_ACR", default_value_t = OidcSettings::default().claim_assurance_level)]
    oidc_claim_acr: String,
    /// The lowest assurance level accepted (e.g. 2 for a level-2 e-identity account); asked for as
    /// acr_values too.
    #[arg(long, env = "MOTCUA_OIDC_MIN_ACR")]
    oidc_min_acr: Option<String>,
}

/// Sign-in codes, sessions and staff passwords.
#[derive(Debug, Args)]
struct AuthArgs {
    /// The server's secret for hashing sign-in codes (at least 32 characters). Default: a random one
    /// kept in <data-dir>/secret.key. Several servers on one database must share it.
    #[arg(long, env = "MOTCUA_SECRET", hide_env_values = true)]
    secret: Option<String>,
    /// Seconds a sign-in code works.
    #[arg(long, env = "MOTCUA_OTP_TTL_SECS", default_value_t = AuthSettings::default().otp_ttl_secs)]
    otp_ttl_secs: u32,
    /// Seconds before another code can be sent to the same phone.
    #[arg(long, env = "MOTCUA_OTP_RESEND_SECS", default_value_t = AuthSettings::default().otp_resend_secs)]
    otp_resend_secs: u32,
    /// Codes one phone number may receive an hour.
    #[arg(long, env = "MOTCUA_OTP_PER_PHONE_PER_HOUR", default_value_t = AuthSettings::default().otp_per_phone_per_hour)]
    otp_per_phone_per_hour: u32,
    /// Codes one client address may ask for an hour.
    #[arg(long, env = "MOTCUA_OTP_PER_IP_PER_HOUR", default_value_t = AuthSettings::default().otp_per_ip_per_hour)]
    otp_per_ip_per_hour: u32,
    /// Wrong tries before a code stops working.
    #[arg(long, env = "MOTCUA_OTP_MAX_ATTEMPTS", default_value_t = AuthSettings::default().otp_max_attempts)]
    otp_max_attempts: u32,
    /// Wrong codes one client address may try an hour (right codes do not count).
    #[arg(long, env = "MOTCUA_OTP_VERIFY_PER_IP_PER_HOUR", default_value_t = AuthSettings::default().otp_verify_per_ip_per_hour)]
    otp_verify_per_ip_per_hour: u32,
    /// Wrong staff passwords from one address for one login name before that address waits
    /// (2^n seconds after the n-th; the account itself is never locked).
    #[arg(long, env = "MOTCUA_STAFF_MAX_FAILURES", default_value_t = AuthSettings::default().staff_max_failures)]
    staff_max_failures: u32,
    /// The longest wait after wrong staff passwords, minutes.
    #[arg(long, env = "MOTCUA_STAFF_LOCK_MINUTES", default_value_t = AuthSettings::default().staff_lock_minutes)]
    staff_lock_minutes: u32,
    /// Wrong staff passwords one client address may try an hour, whatever the login name.
    #[arg(long, env = "MOTCUA_STAFF_FAILURES_PER_IP_PER_HOUR", default_value_t = AuthSettings::default().staff_failures_per_ip_per_hour)]
    staff_failures_per_ip_per_hour: u32,
    /// A staff session ends after this many minutes without a request.
    #[arg(long, env = "MOTCUA_STAFF_IDLE_MINUTES", default_value_t = AuthSettings::default().staff_idle_minutes)]
    staff_idle_minutes: u32,
    /// A staff session ends at the latest this many minutes after sign-in.
    #[arg(long, env = "MOTCUA_STAFF_MAX_MINUTES", default_value_t = AuthSettings::default().staff_max_minutes)]
    staff_max_minutes: u32,
    /// Days a citizen stays signed in.
    #[arg(long, env = "MOTCUA_CITIZEN_SESSION_DAYS", default_value_t = AuthSettings::default().citizen_days)]
    citizen_session_days: u32,
}

/// The SMS gateway (sign-in codes, notifications).
#[derive(Debug, Args)]
struct SmsArgs {
    /// The HTTP SMS gateway's URL (one JSON POST per message). Without it, messages are only written to
    /// the log and to <data-dir>/sms.log (development).
    #[arg(long, env = "MOTCUA_SMS_URL")]
    sms_url: Option<String>,
    /// Bearer token for the gateway.
    #[arg(long, env = "MOTCUA_SMS_TOKEN", hide_env_values = true)]
    sms_token: Option<String>,
    /// Basic-auth user for the gateway.
    #[arg(long, env = "MOTCUA_SMS_USERNAME")]
    sms_username: Option<String>,
    /// Basic-auth password for the gateway.
    #[arg(long, env = "MOTCUA_SMS_PASSWORD", hide_env_values = true)]
    sms_password: Option<String>,
    /// The JSON body of each message; {to} (84…), {to_national} (0…), {text} and {sender} are replaced.
    #[arg(long, env = "MOTCUA_SMS_BODY_TEMPLATE", default_value = server::sms::DEFAULT_BODY_TEMPLATE)]
    sms_body_template: String,
    /// The brand name messages are sent under.
    #[arg(long, env = "MOTCUA_SMS_SENDER", default_value = server::sms::DEFAULT_SENDER)]
    sms_sender: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info")),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => logs.json().with_ansi(false).init(),
    }
    match cli.command {
        Command::Serve(args) => serve(*args).await,
        Command::DueDate {
            received,
            working_days,
            online,
        } => {
            let date = server::rules::due_date(&received, working_days, online)?;
            writeln!(std::io::stdout(), "{date}")?;
            Ok(())
        }
        Command::Holidays { year, lang } => {
            write!(std::io::stdout(), "{}", server::rules::holidays(year, lang))?;
            Ok(())
        }
        Command::Validate {
            procedure,
            file,
            lang,
        } => {
            let code = match server::rules::validate(&procedure, &file, lang) {
                server::rules::Validation::Valid => {
                    writeln!(std::io::stdout(), "[]")?;
                    0
                }
                server::rules::Validation::Invalid(json) => {
                    writeln!(std::io::stdout(), "{json}")?;
                    1
                }
                server::rules::Validation::Unreadable(reason) => {
                    writeln!(std::io::stderr(), "motcua validate: {reason}")?;
                    2
                }
            };
            std::process::exit(code)
        }
        Command::Staff(StaffCommand::Add {
            username,
            name,
            role,
            jurisdictions,
            title,
            db,
        }) => staff_add(username, name, role, jurisdictions, title, db).await,
        Command::Migrate(args) => {
            let config = Config {
                data_dir: args.data_dir,
                database_url: args.database_url,
                ..Config::default()
            };
            let store = server::store::connect(&config.database_url()).await?;
            store.migrate().await?;
            store.close().await;
            tracing::info!("migrations applied");
            Ok(())
        }
    }
}

async fn staff_add(
    username: String,
    display_name: String,
    role: domain::api::Role,
    jurisdictions: Vec<String>,
    title: domain::accounts::Title,
    db: DbArgs,
) -> anyhow::Result<()> {
    let config = Config {
        data_dir: db.data_dir,
        database_url: db.database_url,
        ..Config::default()
    };
    let store = server::store::connect(&config.database_url()).await?;
    store.migrate().await?;
    let new = domain::api::NewStaffAccount {
        username,
        display_name,
        role,
        jurisdictions,
        title,
    };
    let outcome = server::add_staff(store.as_ref(), &new).await;
    store.close().await;
    let (record, password) = match outcome {
        Ok(done) => done,
        Err(server::AddStaffError::Invalid(e)) => {
            writeln!(
                std::io::stderr(),
                "motcua staff add: {}\n  ({})",
                e.message(domain::Lang::Vi),
                e.message(domain::Lang::En)
            )?;
            std::process::exit(2)
        }
        Err(server::AddStaffError::Taken(name)) => {
            writeln!(
                std::io::stderr(),
                "motcua staff add: tên đăng nhập «{name}» đã có / the login name {name} is taken"
            )?;
            std::process::exit(1)
        }
        Err(server::AddStaffError::Unexpected(e)) => return Err(e),
    };
    writeln!(
        std::io::stdout(),
        "Đã tạo tài khoản / account created: {} ({}, {})\n  vai trò / role:           {}\n  chức danh / position:     {}\n  địa bàn / jurisdictions:  {}\n  mật khẩu tạm / temporary password (chỉ hiện một lần / shown only once, đổi khi đăng nhập lần đầu / to change at first sign-in):\n  {}",
        record.username,
        record.display_name,
        record.id,
        record.role,
        domain::accounts::Title::parse(&record.title)
            .unwrap_or_default()
            .label(domain::Lang::Vi),
        if record.jurisdictions.is_empty() {
            "—".to_owned()
        } else {
            record.jurisdictions.join(", ")
        },
        password
    )?;
    Ok(())
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if args.trust_forwarded && args.trusted_proxies.is_none() {
        // Before, this switch believed any X-Forwarded-For; now only a proxy on this machine's.
        tracing::warn!(
            "MOTCUA_TRUST_FORWARDED trusts only a proxy on this machine (127.0.0.0/8, ::1): behind a \
             proxy elsewhere, set MOTCUA_TRUSTED_PROXIES to its addresses, or every client counts as the proxy"
        );
    }
    let config = Config {
        bind: args.bind,
        data_dir: args.db.data_dir,
        database_url: args.db.database_url,
        files_url: args.files_url,
        public_url: args.public_url,
        dist_dir: args.dist_dir,
        limits: Limits {
            max_file_bytes: args.max_file_bytes,
            max_dossier_bytes: args.max_dossier_bytes,
            lookups_per_minute: args.lookups_per_minute,
            dossiers_per_account_per_hour: args.dossiers_per_account_per_hour,
            dossiers_per_account_per_day: args.dossiers_per_account_per_day,
            dossiers_per_address_per_hour: args.dossiers_per_address_per_hour,
            upload_bytes_per_day: args.upload_bytes_per_day,
            upload_bytes_per_address_day: args.upload_bytes_per_address_day,
            upload_memory_bytes: args.upload_memory_bytes,
        },
        trusted_proxies: args
            .trusted_proxies
            .unwrap_or_default()
            .union(&TrustedProxies::from(args.trust_forwarded)),
        metrics: MetricsSettings {
            token: args.metrics_token.filter(|t| !t.trim().is_empty()),
            bind: args.metrics_bind,
        },
        header_read_timeout: std::time::Duration::from_secs(args.header_read_timeout_secs.max(1)),
        push_hosts: args.push_hosts,
        auth: AuthSettings {
            secret: args.auth.secret,
            otp_ttl_secs: args.auth.otp_ttl_secs,
            otp_resend_secs: args.auth.otp_resend_secs,
            otp_per_phone_per_hour: args.auth.otp_per_phone_per_hour,
            otp_per_ip_per_hour: args.auth.otp_per_ip_per_hour,
            otp_max_attempts: args.auth.otp_max_attempts,
            otp_verify_per_ip_per_hour: args.auth.otp_verify_per_ip_per_hour,
            staff_max_failures: args.auth.staff_max_failures,
            staff_lock_minutes: args.auth.staff_lock_minutes,
            staff_failures_per_ip_per_hour: args.auth.staff_failures_per_ip_per_hour,
            staff_idle_minutes: args.auth.staff_idle_minutes,
            staff_max_minutes: args.auth.staff_max_minutes,
            citizen_days: args.auth.citizen_session_days,
        },
        sms: server::sms::SmsConfig {
            url: args.sms.sms_url,
            token: args.sms.sms_token,
            username: args.sms.sms_username,
            password: args.sms.sms_password,
            body_template: args.sms.sms_body_template,
            sender: args.sms.sms_sender,
        },
        oidc: OidcSettings {
            issuer: args.oidc.oidc_issuer.filter(|s| !s.trim().is_empty()),
            client_id: args.oidc.oidc_client_id.filter(|s| !s.trim().is_empty()),
            client_secret: args.oidc.oidc_client_secret.filter(|s| !s.is_empty()),
            scopes: args
                .oidc
                .oidc_scopes
                .split([' ', ','])
                .filter(|s| !s.is_empty() && *s != "openid")
                .map(str::to_owned)
                .collect(),
            claim_identity_number: args.oidc.oidc_claim_identity_number,
            claim_full_name: args.oidc.oidc_claim_name,
            claim_birth_date: args.oidc.oidc_claim_birthdate,
            claim_gender: args.oidc.oidc_claim_gender,
            claim_address: args.oidc.oidc_claim_address,
            claim_assurance_level: args.oidc.oidc_claim_acr,
            min_assurance_level: args.oidc.oidc_min_acr.filter(|s| !s.trim().is_empty()),
        },
    };
    let running = server::spawn(config, shutdown_signal()).await?;
    let mut out = std::io::stdout().lock();
    if let Some(admin) = &running.first_admin {
        writeln!(
            out,
            "\nTài khoản quản trị đầu tiên / first administrator (mật khẩu chỉ hiện một lần / password shown only once):\n  tên đăng nhập / login:    {}\n  mật khẩu / password:      {}\n",
            admin.username, admin.password
        )?;
    }
    if let Some(metrics) = running.metrics_addr {
        writeln!(out, "/metrics tại / at http://{metrics}/metrics")?;
    }
    writeln!(
        out,
        "motcua đang chạy tại / is running at http://{}/",
        running.addr
    )?;
    drop(out);
    running.task.await?
}
