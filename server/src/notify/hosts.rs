//! The push services the server posts to (`MOTCUA_PUSH_HOSTS`): a subscription's endpoint is a URL the
//! browser sends, so the server would otherwise call whatever address a caller writes there (an
//! internal service, a cloud metadata address). Only the hosts of the browsers' own push services are
//! accepted, on port 443 over https, with no user name and no IP literal, unless an entry of the list
//! says otherwise (a test's or an operator's own push service).
//!
//! An entry is `host`, `*.domain` (any name under that domain, not the domain itself), `host:port`,
//! an IP address (`127.0.0.1:8080`, `[::1]:8080`), and may start with `https://` (the default) or
//! `http://`. Entries are separated by commas or spaces.

use std::{fmt, net::IpAddr, str::FromStr};

use reqwest::Url;

/// The push services of today's browsers:
/// - `fcm.googleapis.com`: Chrome, Edge on Android, Opera, Samsung Internet, Brave (Firebase Cloud
///   Messaging);
/// - `jmt17.google.com`: Chromium builds without Google's API keys (Linux distributions' Chromium);
/// - `updates.push.services.mozilla.com`: Firefox (Mozilla autopush);
/// - `*.push.apple.com`: Safari on macOS and iOS/iPadOS (`web.push.apple.com`);
/// - `*.notify.windows.com`: Edge on Windows (Windows Push Notification Services, e.g.
///   `wns2-par02p.notify.windows.com`).
pub const DEFAULT_PUSH_HOSTS: &str = "fcm.googleapis.com,jmt17.google.com,\
updates.push.services.mozilla.com,*.push.apple.com,*.notify.windows.com";

/// The longest endpoint kept (the services' are a few hundred characters).
const MAX_ENDPOINT_LEN: usize = 2_000;

/// Which push service addresses the server accepts and posts to.
#[derive(Clone, PartialEq, Eq)]
pub struct PushHosts {
    rules: Vec<Rule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    https: bool,
    host: HostPattern,
    port: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum HostPattern {
    /// This name only.
    Name(String),
    /// Any name under this domain (the entry `*.domain`).
    Under(String),
    /// This address (an IP literal is accepted only when listed).
    Ip(IpAddr),
}

impl HostPattern {
    fn matches(&self, host: &url::Host<&str>) -> bool {
        match (self, host) {
            (Self::Name(name), url::Host::Domain(d)) => d.eq_ignore_ascii_case(name),
            (Self::Under(domain), url::Host::Domain(d)) => {
                d.len().checked_sub(domain.len() + 1).is_some_and(|cut| {
                    d.is_char_boundary(cut)
                        && d[cut..].starts_with('.')
                        && d[cut + 1..].eq_ignore_ascii_case(domain)
                        && cut > 0
                })
            }
            (Self::Ip(ip), url::Host::Ipv4(v4)) => *ip == IpAddr::V4(*v4),
            (Self::Ip(ip), url::Host::Ipv6(v6)) => *ip == IpAddr::V6(*v6),
            _ => false,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.https { "https" } else { "http" };
        let default = if self.https { 443 } else { 80 };
        match &self.host {
            HostPattern::Name(n) => write!(f, "{scheme}://{n}")?,
            HostPattern::Under(d) => write!(f, "{scheme}://*.{d}")?,
            HostPattern::Ip(IpAddr::V4(ip)) => write!(f, "{scheme}://{ip}")?,
            HostPattern::Ip(IpAddr::V6(ip)) => write!(f, "{scheme}://[{ip}]")?,
        }
        if self.port != default {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

impl fmt::Debug for PushHosts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.rules.iter().map(ToString::to_string))
            .finish()
    }
}

impl Default for PushHosts {
    fn default() -> Self {
        DEFAULT_PUSH_HOSTS
            .parse()
            .unwrap_or(Self { rules: Vec::new() })
    }
}

impl FromStr for PushHosts {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rules = s
            .split([',', ' ', '\n', '\t'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(rule)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { rules })
    }
}

/// One entry of the list.
fn rule(entry: &str) -> Result<Rule, String> {
    let bad = |why: &str| format!("push host {entry:?}: {why}");
    let (https, rest) = if let Some(rest) = entry.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = entry.strip_prefix("http://") {
        (false, rest)
    } else if entry.contains("://") {
        return Err(bad("only https:// or http:// push services"));
    } else {
        (true, entry)
    };
    let rest = rest.trim_end_matches('/');
    if rest.contains(['/', '@', '?', '#']) {
        return Err(bad(
            "a host with an optional port, without a path or a user name",
        ));
    }
    let (wildcard, rest) = match rest.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    // Parsed as a URL, so that names and addresses are read exactly as an endpoint's are.
    let url = Url::parse(&format!(
        "{}://{rest}",
        if https { "https" } else { "http" }
    ))
    .map_err(|e| bad(&e.to_string()))?;
    let port = url.port_or_known_default().ok_or_else(|| bad("no port"))?;
    let host = match url.host() {
        Some(url::Host::Domain(d)) if rest.contains('*') || d.contains('*') => {
            return Err(bad("a wildcard only as the first label (*.domain)"));
        }
        Some(url::Host::Domain(d)) if wildcard => {
            if !d.contains('.') {
                return Err(bad("*. needs a domain of at least two labels"));
            }
            HostPattern::Under(d.to_ascii_lowercase())
        }
        Some(url::Host::Domain(d)) => HostPattern::Name(d.to_ascii_lowercase()),
        Some(url::Host::Ipv4(ip)) if !wildcard => HostPattern::Ip(IpAddr::V4(ip)),
        Some(url::Host::Ipv6(ip)) if !wildcard => HostPattern::Ip(IpAddr::V6(ip)),
        _ => return Err(bad("not a host name or an IP address")),
    };
    Ok(Rule { https, host, port })
}

/// Why an endpoint is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Not an absolute https URL (or longer than any push service's).
    NotHttps,
    /// A user name or password in the URL.
    UserInfo,
    /// An IP address instead of the push service's name.
    IpLiteral,
    /// A host that is not a push service on the list.
    Host(String),
    /// A push service's host on a port the list does not name.
    Port(String, u16),
}

impl Refusal {
    /// What to tell the caller: Vietnamese, English.
    #[must_use]
    pub fn message(&self) -> (String, String) {
        match self {
            Self::NotHttps => (
                "Địa chỉ nhận thông báo (endpoint) phải là một địa chỉ https do dịch vụ thông báo của trình \
                 duyệt cấp. Hãy tắt rồi bật lại thông báo trong trình duyệt."
                    .to_owned(),
                "The push endpoint must be an https address given by the browser's push service. Turn \
                 notifications off and on again in the browser."
                    .to_owned(),
            ),
            Self::UserInfo => (
                "Địa chỉ nhận thông báo không được chứa tên đăng nhập hay mật khẩu (phần …@ trước tên \
                 máy chủ). Hãy dùng đúng địa chỉ trình duyệt cấp."
                    .to_owned(),
                "The push endpoint must not contain a user name or password (the …@ before the host). \
                 Use the address the browser gave."
                    .to_owned(),
            ),
            Self::IpLiteral => (
                "Địa chỉ nhận thông báo không được là một địa chỉ IP: chỉ nhận địa chỉ của dịch vụ thông \
                 báo của trình duyệt (Google, Mozilla, Apple, Microsoft)."
                    .to_owned(),
                "The push endpoint must not be an IP address: only the browsers' push services (Google, \
                 Mozilla, Apple, Microsoft) are accepted."
                    .to_owned(),
            ),
            Self::Host(host) => (
                format!(
                    "Máy chủ {host} không phải dịch vụ thông báo mà hệ thống chấp nhận (của Google, Mozilla, \
                     Apple, Microsoft). Hãy nhận thông báo bằng Chrome, Edge, Firefox hoặc Safari, hoặc báo \
                     quản trị viên nếu trình duyệt của bạn dùng dịch vụ khác."
                ),
                format!(
                    "{host} is not a push service this server accepts (Google's, Mozilla's, Apple's, \
                     Microsoft's). Receive notifications with Chrome, Edge, Firefox or Safari, or tell the \
                     administrator if your browser uses another service."
                ),
            ),
            Self::Port(host, port) => (
                format!(
                    "Dịch vụ thông báo {host} chỉ được gọi qua cổng https mặc định (443), không qua cổng \
                     {port}. Hãy dùng đúng địa chỉ trình duyệt cấp."
                ),
                format!(
                    "The push service {host} is called on the default https port (443) only, not on port \
                     {port}. Use the address the browser gave."
                ),
            ),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().1)
    }
}

impl PushHosts {
    /// No push service at all.
    #[must_use]
    pub const fn none() -> Self {
        Self { rules: Vec::new() }
    }

    /// The endpoint as a URL when it is on the list.
    ///
    /// # Errors
    /// Why it is not.
    pub fn check(&self, endpoint: &str) -> Result<Url, Refusal> {
        if endpoint.len() > MAX_ENDPOINT_LEN {
            return Err(Refusal::NotHttps);
        }
        let url = Url::parse(endpoint).map_err(|_| Refusal::NotHttps)?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            _ => return Err(Refusal::NotHttps),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Refusal::UserInfo);
        }
        let Some(host) = url.host() else {
            return Err(Refusal::NotHttps);
        };
        let port = url.port_or_known_default().ok_or(Refusal::NotHttps)?;
        let named: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| r.host.matches(&host))
            .collect();
        if named.is_empty() {
            return Err(match host {
                url::Host::Domain(d) => Refusal::Host(d.to_owned()),
                _ => Refusal::IpLiteral,
            });
        }
        if !named.iter().any(|r| r.https == https) {
            return Err(Refusal::NotHttps);
        }
        if !named.iter().any(|r| r.https == https && r.port == port) {
            return Err(Refusal::Port(host.to_string(), port));
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_list_takes_the_browsers_push_services_only() {
        let hosts = PushHosts::default();
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc:APA91b",
            "https://jmt17.google.com/fcm/send/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB",
            "https://web.push.apple.com/QGuQyavXutnMH",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
            "https://FCM.googleapis.com:443/fcm/send/x",
        ] {
            assert!(hosts.check(ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("http://fcm.googleapis.com/fcm/send/x", Refusal::NotHttps),
            ("https://127.0.0.1/x", Refusal::IpLiteral),
            ("https://0x7f.1/x", Refusal::IpLiteral),
            ("https://[::1]/x", Refusal::IpLiteral),
            (
                "https://169.254.169.254/latest/meta-data",
                Refusal::IpLiteral,
            ),
            ("https://u:p@fcm.googleapis.com/x", Refusal::UserInfo),
            (
                "https://fcm.googleapis.com:8443/x",
                Refusal::Port("fcm.googleapis.com".to_owned(), 8443),
            ),
            (
                "https://fcm.googleapis.com.evil.example/x",
                Refusal::Host("fcm.googleapis.com.evil.example".to_owned()),
            ),
            (
                "https://push.apple.com/x",
                Refusal::Host("push.apple.com".to_owned()),
            ),
            (
                "https://evilnotify.windows.com/x",
                Refusal::Host("evilnotify.windows.com".to_owned()),
            ),
            ("https://localhost/x", Refusal::Host("localhost".to_owned())),
            ("file:///etc/passwd", Refusal::NotHttps),
            ("fcm.googleapis.com/x", Refusal::NotHttps),
        ] {
            assert_eq!(hosts.check(bad).err(), Some(why), "{bad}");
        }
    }

    #[test]
    fn an_entry_may_name_a_port_an_address_or_plain_http() {
        let hosts: PushHosts = "push.example, http://127.0.0.1:8080 *.example.net:8443"
            .parse()
            .expect("list");
        assert!(hosts.check("https://push.example/a").is_ok());
        assert!(hosts.check("http://127.0.0.1:8080/a").is_ok());
        assert!(hosts.check("https://a.b.example.net:8443/a").is_ok());
        assert_eq!(
            hosts.check("https://a.example.net/a").err(),
            Some(Refusal::Port("a.example.net".to_owned(), 443))
        );
        assert_eq!(
            hosts.check("http://127.0.0.1:8081/a").err(),
            Some(Refusal::Port("127.0.0.1".to_owned(), 8081))
        );
        assert_eq!(
            hosts.check("https://127.0.0.1:8080/a").err(),
            Some(Refusal::NotHttps)
        );
        assert_eq!(
            hosts.check("http://push.example/a").err(),
            Some(Refusal::NotHttps)
        );
        for bad in [
            "*.com",
            "a.*.example",
            "ftp://x.example",
            "x.example/path",
            "u@x.example",
        ] {
            assert!(bad.parse::<PushHosts>().is_err(), "{bad}");
        }
        assert!(
            "".parse::<PushHosts>()
                .expect("empty")
                .check("https://fcm.googleapis.com/x")
                .is_err()
        );
    }
}
