//! Text messages to phones (sign-in codes, later state notices), behind [`SmsGateway`]: the operator's
//! HTTP gateway ([`HttpSmsGateway`]) in production, a development sink ([`DevSmsSink`]) that logs each
//! message and appends it to `<data-dir>/sms.log` when no gateway is configured.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context as _;
use futures::future::BoxFuture;
use tokio::io::AsyncWriteExt as _;

/// Sends text messages.
pub trait SmsGateway: Send + Sync + 'static {
    /// Sends `text` to the normalised phone number `to`.
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, anyhow::Result<()>>;
}

/// How to reach an HTTP SMS gateway.
#[derive(Clone, Default)]
pub struct SmsConfig {
    /// The gateway's endpoint; `None` means the development sink.
    pub url: Option<String>,
    /// Bearer token, if the gateway wants one.
    pub token: Option<String>,
    /// Basic-auth user name, if the gateway wants one (with `password`).
    pub username: Option<String>,
    /// Basic-auth password.
    pub password: Option<String>,
    /// The JSON body posted for each message: `{to}` (international form, 84…), `{to_national}` (0…),
    /// `{text}` and `{sender}` are replaced by JSON-escaped values.
    pub body_template: String,
    /// The brand name the message is sent under.
    pub sender: String,
}

impl std::fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsConfig")
            .field("url", &self.url)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("body_template", &self.body_template)
            .field("sender", &self.sender)
            .finish()
    }
}

/// The default body: `{"to":"84…","from":"…","text":"…"}`.
pub const DEFAULT_BODY_TEMPLATE: &str = r#"{"to":"{to}","from":"{sender}","text":"{text}"}"#;
/// The default brand name.
pub const DEFAULT_SENDER: &str = "MOTCUA-QNG";

impl SmsConfig {
    /// The gateway this configuration names: HTTP when a URL is set, else the sink in `data_dir`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn gateway(&self, data_dir: &std::path::Path) -> anyhow::Result<Arc<dyn SmsGateway>> {
        Ok(match &self.url {
            Some(url) => Arc::new(HttpSmsGateway::new(url, self)?),
            None => Arc::new(DevSmsSink::new(data_dir.join("sms.log"))),
        })
    }
}

/// The operator's HTTP gateway: one JSON POST per message; any 2xx answer is success.
pub struct HttpSmsGateway {
    client: reqwest::Client,
    url: String,
    token: Option<String>,
    basic: Option<(String, String)>,
    body_template: String,
    sender: String,
}

impl HttpSmsGateway {
    /// A gateway at `url` with the credentials and template of `config`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(url: &str, config: &SmsConfig) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .context("cannot build the SMS gateway's HTTP client")?;
        Ok(Self {
            client,
            url: url.to_owned(),
            token: config.token.clone(),
            basic: config
                .username
                .clone()
                .map(|u| (u, config.password.clone().unwrap_or_default())),
            body_template: if config.body_template.is_empty() {
                DEFAULT_BODY_TEMPLATE.to_owned()
            } else {
                config.body_template.clone()
            },
            sender: if config.sender.is_empty() {
                DEFAULT_SENDER.to_owned()
            } else {
                config.sender.clone()
            },
        })
    }

    /// The body for one message.
    fn body(&self, to: &str, text: &str) -> String {
        fn esc(s: &str) -> String {
            let quoted = serde_json::Value::String(s.to_owned()).to_string();
            quoted[1..quoted.len() - 1].to_owned()
        }
        let international = to
            .strip_prefix('0')
            .map_or_else(|| to.to_owned(), |rest| format!("84{rest}"));
        self.body_template
            .replace("{to_national}", &esc(to))
            .replace("{to}", &esc(&international))
            .replace("{sender}", &esc(&self.sender))
            .replace("{text}", &esc(text))
    }
}

impl SmsGateway for HttpSmsGateway {
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let mut req = self
                .client
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(self.body(to, text));
            if let Some(token) = &self.token {
                req = req.bearer_auth(token);
            }
            if let Some((user, password)) = &self.basic {
                req = req.basic_auth(user, Some(password));
            }
            let res = req
                .send()
                .await
                .context("the SMS gateway cannot be reached")?;
            let status = res.status();
            if !status.is_success() {
                let body = res.text().await.unwrap_or_default();
                anyhow::bail!(
                    "the SMS gateway answered {status}: {}",
                    body.chars().take(200).collect::<String>()
                );
            }
            tracing::info!(sms.to = %mask(to), "SMS handed to the gateway");
            Ok(())
        })
    }
}

/// For development and tests: each message is logged and appended to a file as
/// `<RFC 3339 time>\t<to>\t<text>` (one line; line breaks in the text become spaces).
pub struct DevSmsSink {
    path: PathBuf,
    lock: tokio::sync::Mutex<()>,
}

impl DevSmsSink {
    /// A sink appending to `path`.
    #[must_use]
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            lock: tokio::sync::Mutex::new(()),
        }
    }
}

impl SmsGateway for DevSmsSink {
    fn send<'a>(&'a self, to: &'a str, text: &'a str) -> BoxFuture<'a, anyhow::Result<()>> {
        Box::pin(async move {
            let line = format!(
                "{}\t{to}\t{}\n",
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                text.replace(['\n', '\r', '\t'], " ")
            );
            tracing::info!(
                sms.to = to,
                sms.text = text,
                "SMS (development sink, not sent)"
            );
            let _guard = self.lock.lock().await;
            if let Some(dir) = self.path.parent() {
                tokio::fs::create_dir_all(dir).await.ok();
            }
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .await
                .with_context(|| format!("cannot open {}", self.path.display()))?;
            file.write_all(line.as_bytes()).await?;
            file.flush().await?;
            Ok(())
        })
    }
}

/// A phone number for logs: only its last three digits.
#[must_use]
pub fn mask(phone: &str) -> String {
    let keep = phone.len().saturating_sub(3);
    format!("{}{}", "*".repeat(keep), &phone[keep..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_template_is_filled_with_escaped_values() {
        let config = SmsConfig {
            url: Some("http://127.0.0.1:9/sms".into()),
            body_template:
                r#"{"msisdn":"{to}","local":"{to_national}","content":"{text}","brand":"{sender}"}"#
                    .into(),
            sender: "QNG".into(),
            ..SmsConfig::default()
        };
        let gw = HttpSmsGateway::new("http://127.0.0.1:9/sms", &config).expect("gateway");
        let body = gw.body("0912345678", "Mã \"123456\"\nhết hạn");
        let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(v["msisdn"], "84912345678");
        assert_eq!(v["local"], "0912345678");
        assert_eq!(v["content"], "Mã \"123456\"\nhết hạn");
        assert_eq!(v["brand"], "QNG");
    }

    #[tokio::test]
    async fn the_sink_appends_one_line_per_message() {
        let dir = tempfile::tempdir().expect("dir");
        let sink = DevSmsSink::new(dir.path().join("sms.log"));
        sink.send("0912345678", "một\nhai").await.expect("send");
        sink.send("0987654321", "ba").await.expect("send");
        let log = std::fs::read_to_string(dir.path().join("sms.log")).expect("log");
        let lines: Vec<_> = log.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].ends_with("\t0912345678\tmột hai"), "{}", lines[0]);
        assert!(lines[1].ends_with("\t0987654321\tba"), "{}", lines[1]);
    }

    #[test]
    fn masked_numbers_keep_three_digits() {
        assert_eq!(mask("0912345678"), "*******678");
    }
}
