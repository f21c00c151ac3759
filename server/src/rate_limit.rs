//! Per-address limits on the requests that could be used to guess (dossier look-ups, and later name
//! checks and one-time codes): a fixed one-minute window per client address. The counts live in this
//! process; behind a load balancer each server limits on its own, which only makes guessing slower.
//!
//! The client's address is the connection's, unless the connection comes from a trusted proxy
//! ([`TrustedProxies`], `MOTCUA_TRUSTED_PROXIES`): then it is the right-most `X-Forwarded-For` entry
//! that is not itself a trusted proxy — the one the last trusted proxy saw. Entries further left were
//! written by the client and are never believed. An IPv6 client is limited by its /64 network
//! ([`limit_key`]): one subscriber usually holds a whole /64 and could otherwise take a fresh address
//! for every request.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr, SocketAddr},
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use axum::{
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::error::AppError;

/// Per client address (unknown when the server cannot tell; an IPv6 address by its /64): when its
/// window began and how many requests came in it.
type Windows = HashMap<Option<IpAddr>, (Instant, u32)>;

/// One network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`); a plain address is a /32 or /128.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (addr, prefix) = raw
            .split_once('/')
            .map_or((raw, None), |(a, p)| (a, Some(p)));
        let addr: IpAddr = addr.trim().parse().map_err(|_| {
            format!("{raw:?} is not an IP address or network (e.g. 10.0.0.0/8, 2001:db8::/32)")
        })?;
        let addr = addr.to_canonical();
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.trim().parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => {
                    return Err(format!(
                        "{raw:?}: the prefix length must be a number from 0 to {max}"
                    ));
                }
            },
        };
        Ok(Self { addr, prefix })
    }

    fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (`MOTCUA_TRUSTED_PROXIES`); none by
/// default. `true` converts to the loopback networks (`MOTCUA_TRUST_FORWARDED`: a proxy on this
/// machine), `false` to none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Arc<[Cidr]>);

impl TrustedProxies {
    /// No proxy is trusted: the client is always the connection's address.
    #[must_use]
    pub fn none() -> Self {
        Self::default()
    }

    /// A proxy on this machine: 127.0.0.0/8 and ::1.
    #[must_use]
    pub fn loopback() -> Self {
        Self(Arc::from(
            [
                Cidr {
                    addr: IpAddr::from([127, 0, 0, 0]),
                    prefix: 8,
                },
                Cidr {
                    addr: IpAddr::V6(Ipv6Addr::LOCALHOST),
                    prefix: 128,
                },
            ]
            .as_slice(),
        ))
    }

    /// A list of addresses and networks separated by commas or spaces (`10.0.0.0/8, 192.168.1.5,
    /// 2001:db8::/32`); empty: none.
    ///
    /// # Errors
    /// Names the entry that is not an address or network.
    pub fn parse(list: &str) -> Result<Self, String> {
        let cidrs = list
            .split([',', ' ', '\t', '\n'])
            .filter(|s| !s.trim().is_empty())
            .map(Cidr::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self(Arc::from(cidrs)))
    }

    /// These and those.
    #[must_use]
    pub fn union(&self, other: &Self) -> Self {
        let mut all = self.0.to_vec();
        all.extend(other.0.iter().filter(|c| !self.0.contains(c)));
        Self(Arc::from(all))
    }

    /// No proxy is trusted.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `ip` is a trusted proxy.
    #[must_use]
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }
}

impl std::fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for TrustedProxies {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl From<bool> for TrustedProxies {
    /// `true`: a proxy on this machine ([`TrustedProxies::loopback`]); `false`: none.
    fn from(trust_loopback: bool) -> Self {
        if trust_loopback {
            Self::loopback()
        } else {
            Self::none()
        }
    }
}

/// A limiter for one kind of request.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    per_minute: u32,
    /// Whose `X-Forwarded-For` is believed.
    proxies: TrustedProxies,
    windows: Arc<Mutex<Windows>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    /// At most `per_minute` requests a minute from one address; `proxies`: whose `X-Forwarded-For`
    /// is believed (`config.trusted_proxies`; `false` for none).
    #[must_use]
    pub fn new(per_minute: u32, proxies: impl Into<TrustedProxies>) -> Self {
        Self {
            per_minute,
            proxies: proxies.into(),
            windows: Arc::default(),
        }
    }

    /// The client's address: see [`client_addr`].
    pub(crate) fn client(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<IpAddr> {
        client_addr(headers, peer, &self.proxies)
    }

    /// Counts a request of `client` (an IPv6 address counts for its /64); `Err(seconds to wait)` when
    /// over the limit.
    pub(crate) fn check(&self, client: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        // A thread that panicked while holding the lock left the counts as they were (each update is
        // a few plain assignments): keep counting with them rather than let every request through.
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let (start, count) = windows.entry(client.map(limit_key)).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            return Err(WINDOW
                .saturating_sub(now.duration_since(*start))
                .as_secs()
                .max(1));
        }
        *count += 1;
        Ok(())
    }
}

/// What a per-address limit counts `ip` under: an IPv4 address itself, an IPv6 address its /64
/// network (an IPv4-mapped IPv6 address as the IPv4 address).
#[must_use]
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(
            u128::from(v6) & 0xffff_ffff_ffff_ffff_0000_0000_0000_0000,
        )),
        v4 @ IpAddr::V4(_) => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, also with a port (`1.2.3.4:5678`, `[2001:db8::1]:80`).
fn forwarded_entry(raw: &str) -> Option<IpAddr> {
    let raw = raw.trim();
    raw.parse::<IpAddr>()
        .ok()
        .or_else(|| raw.parse::<SocketAddr>().ok().map(|a| a.ip()))
        .map(|ip| ip.to_canonical())
}

/// The client's address. The connection's (`peer`), unless `peer` is one of `proxies`: then the
/// right-most `X-Forwarded-For` entry (over all such headers, in order) that is not one of `proxies`.
/// Entries left of it were written by the client and are not believed. When every entry is a trusted
/// proxy, the left-most of them; when an entry cannot be read, the trusted hop that passed it on.
#[must_use]
pub fn client_addr(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    proxies: &TrustedProxies,
) -> Option<IpAddr> {
    let peer = peer.map(|addr| addr.ip().to_canonical());
    let Some(mut hop) = peer.filter(|ip| proxies.contains(*ip)) else {
        return peer;
    };
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for raw in entries.iter().rev() {
        let Some(ip) = forwarded_entry(raw) else {
            return Some(hop);
        };
        if !proxies.contains(ip) {
            return Some(ip);
        }
        hop = ip;
    }
    Some(hop)
}

/// The middleware: 429 with `Retry-After` once an address is over the limit.
pub(crate) async fn limit(
    State(limiter): State<RateLimiter>,
    req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| *addr);
    match limiter.check(limiter.client(req.headers(), peer)) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let mut res = AppError::RateLimited.into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                res.headers_mut().insert("retry-after", v);
            }
            res
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    fn peer(ip: &str) -> Option<SocketAddr> {
        Some(SocketAddr::new(ip.parse().expect("address"), 40_000))
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn each_address_has_its_own_window() {
        let limiter = RateLimiter::new(2, false);
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        let b = Some(IpAddr::from([10, 0, 0, 2]));
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        assert!(
            limiter.check(a).is_err(),
            "the third in a minute is refused"
        );
        assert!(limiter.check(b).is_ok(), "another address is not affected");
    }

    #[test]
    fn behind_a_trusted_proxy_the_client_is_the_right_most_untrusted_entry() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.5").expect("list");
        // The client wrote "1.1.1.1, 2.2.2.2"; the outer proxy 10.1.1.1 appended the client's real
        // address 203.0.113.7, the inner proxy 192.168.1.5 appended 10.1.1.1.
        let headers = forwarded("1.1.1.1, 2.2.2.2, 203.0.113.7, 10.1.1.1");

        let client = client_addr(&headers, peer("192.168.1.5"), &proxies);

        assert_eq!(client, Some(ip("203.0.113.7")));
    }

    #[test]
    fn spoofed_left_most_entries_do_not_change_the_client() {
        let proxies = TrustedProxies::loopback();

        let seen: Vec<_> = ["9.9.9.1", "9.9.9.2, 8.8.8.8", "garbage, 7.7.7.7"]
            .iter()
            .map(|spoof| {
                client_addr(
                    &forwarded(&format!("{spoof}, 203.0.113.7")),
                    peer("127.0.0.1"),
                    &proxies,
                )
            })
            .collect();

        assert!(
            seen.iter().all(|c| *c == Some(ip("203.0.113.7"))),
            "{seen:?}"
        );
    }

    #[test]
    fn an_untrusted_peers_forwarded_for_is_ignored() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("list");

        let client = client_addr(&forwarded("203.0.113.7"), peer("198.51.100.4"), &proxies);

        assert_eq!(client, Some(ip("198.51.100.4")));
        assert_eq!(
            client_addr(
                &forwarded("203.0.113.7"),
                peer("127.0.0.1"),
                &TrustedProxies::none()
            ),
            Some(ip("127.0.0.1")),
            "no proxy is trusted by default"
        );
    }

    #[test]
    fn several_headers_count_as_one_list_and_ports_and_mapped_addresses_are_read() {
        let proxies = TrustedProxies::loopback();
        let mut headers = HeaderMap::new();
        headers.append("x-forwarded-for", HeaderValue::from_static("6.6.6.6"));
        headers.append(
            "x-forwarded-for",
            HeaderValue::from_static("[2001:db8::7]:443"),
        );

        let client = client_addr(&headers, peer("::ffff:127.0.0.1"), &proxies);

        assert_eq!(client, Some(ip("2001:db8::7")));
    }

    #[test]
    fn when_every_entry_is_a_proxy_or_one_is_unreadable_the_last_trusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").expect("list");

        let all_proxies = client_addr(&forwarded("10.0.0.9, 10.0.0.8"), peer("10.0.0.1"), &proxies);
        let unreadable = client_addr(&forwarded("1.1.1.1, nonsense"), peer("10.0.0.1"), &proxies);
        let none = client_addr(&HeaderMap::new(), peer("10.0.0.1"), &proxies);

        assert_eq!(all_proxies, Some(ip("10.0.0.9")));
        assert_eq!(unreadable, Some(ip("10.0.0.1")));
        assert_eq!(none, Some(ip("10.0.0.1")));
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_window() {
        let limiter = RateLimiter::new(2, false);
        let same_network = [
            "2001:db8:1:2::1",
            "2001:db8:1:2::ffff",
            "2001:db8:1:2:abcd::9",
        ];
        let other_network = ip("2001:db8:1:3::1");

        let answers: Vec<_> = same_network
            .iter()
            .map(|a| limiter.check(Some(ip(a))).is_ok())
            .collect();

        assert_eq!(
            answers,
            [true, true, false],
            "the third address of the /64 is refused"
        );
        assert!(
            limiter.check(Some(other_network)).is_ok(),
            "another /64 is not"
        );
    }

    #[test]
    fn a_poisoned_lock_still_limits() {
        let limiter = RateLimiter::new(1, false);
        let a = Some(IpAddr::from([10, 0, 0, 1]));
        assert!(limiter.check(a).is_ok());
        let windows = Arc::clone(&limiter.windows);
        let _ = std::thread::spawn(move || {
            let _guard = windows.lock().expect("lock");
            panic!("a panic while counting");
        })
        .join();
        assert!(limiter.windows.is_poisoned());

        let after = limiter.check(a);

        assert!(after.is_err(), "over the limit even after the panic");
    }

    #[test]
    fn trusted_proxy_lists_are_read_or_refused_with_the_entry() {
        let list = TrustedProxies::parse("10.0.0.0/8 2001:db8::/32,172.16.0.1").expect("list");
        assert!(list.contains(ip("10.200.3.4")));
        assert!(list.contains(ip("2001:db8:ffff::1")));
        assert!(list.contains(ip("172.16.0.1")));
        assert!(!list.contains(ip("172.16.0.2")));
        assert!(!list.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse("").expect("empty").is_empty());
        let wrong = TrustedProxies::parse("10.0.0.0/33").expect_err("prefix too long");
        assert!(wrong.contains("10.0.0.0/33"), "{wrong}");
        let wrong = TrustedProxies::parse("proxy.local").expect_err("a name");
        assert!(wrong.contains("proxy.local"), "{wrong}");
    }
}
