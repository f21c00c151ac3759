//! Web Push: the server's VAPID key pair (RFC 8292), made on the first start and kept in the database so
//! that every server signs with the same key, and the sender, which encrypts a payload for one
//! subscription (RFC 8291, `aes128gcm`, with the `web-push` crate) and posts it to the push service.
//!
//! The sender posts only to the push services of [`PushHosts`] (an endpoint stored before the list
//! existed, or since removed from it, is refused and its subscription forgotten), follows no
//! redirect, connects to no private or loopback address found by a name ([`PublicOnly`]), and gives
//! up on a service after [`CONNECT_TIMEOUT`] to connect and [`SEND_TIMEOUT`] in all.

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use anyhow::Context as _;
use base64::Engine as _;
use chrono::Utc;
use web_push::{
    ContentEncoding, SubscriptionInfo, VapidSignatureBuilder, WebPushMessageBuilder,
    request_builder::build_request,
};

use super::hosts::{PushHosts, Refusal};
use crate::store::{Store, notify::PushTarget};

/// The longest wait for a push service to accept a connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest one push may take, connection and answer included.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a push service keeps a message for a browser that is offline (one day).
const TTL_SECONDS: u32 = 24 * 60 * 60;

/// The server's VAPID key pair, base64url without padding: the raw P-256 private scalar and the
/// uncompressed public point (what `PushManager.subscribe` takes as `applicationServerKey`).
#[derive(Clone)]
pub struct VapidKeys {
    private_key: String,
    /// The public key, for `GET /api/v1/push/public-key`.
    pub public_key: String,
}

impl std::fmt::Debug for VapidKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKeys")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

impl VapidKeys {
    /// The key pair in the database, made and kept first if there is none. Several servers starting at
    /// once each make one; the first insert wins and every server reads that one back.
    ///
    /// # Errors
    /// When the database fails, or holds a key that is not a P-256 private key.
    pub async fn load_or_create(store: &dyn Store) -> anyhow::Result<Self> {
        if store.vapid_keys().await?.is_none() {
            let (private_key, public_key) = generate()?;
            store
                .insert_vapid_keys(&private_key, &public_key, Utc::now())
                .await?;
        }
        let (private_key, public_key) = store
            .vapid_keys()
            .await?
            .context("the VAPID key pair is missing right after it was stored")?;
        // Check that it signs before the first notice needs it.
        VapidSignatureBuilder::from_base64_no_sub(&private_key)
            .map_err(|e| anyhow::anyhow!("the stored VAPID private key is unusable: {e}"))?;
        Ok(Self {
            private_key,
            public_key,
        })
    }
}

/// A new P-256 key pair (private, public), base64url without padding.
fn generate() -> anyhow::Result<(String, String)> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    // A random 32-byte string is a valid scalar unless it is zero or not below the group order
    // (probability about 2^-32); draw again then.
    for _ in 0..16 {
        let secret: [u8; 32] = rand::random();
        let private_key = b64.encode(secret);
        if let Ok(partial) = VapidSignatureBuilder::from_base64_no_sub(&private_key) {
            let public_key = b64.encode(partial.get_public_key());
            return Ok((private_key, public_key));
        }
    }
    anyhow::bail!("could not draw a P-256 private key")
}

/// Why a push was not delivered.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    /// The subscription no longer exists (404/410): forget it.
    #[error("the push service says the subscription is gone ({0})")]
    Gone(u16),
    /// The endpoint is not a push service of the list: never called; forget it.
    #[error("the endpoint is refused: {0}")]
    Refused(Refusal),
    /// Anything else; try again later.
    #[error("{0}")]
    Failed(String),
}

/// Sends encrypted, VAPID-signed messages to push services.
#[derive(Debug, Clone)]
pub struct PushSender {
    keys: VapidKeys,
    /// The `sub` claim: how the push service can reach the operator.
    subject: String,
    client: reqwest::Client,
    hosts: Arc<PushHosts>,
}

impl PushSender {
    /// A sender signing with `keys` that posts to the push services of `hosts` only; `public_url`
    /// becomes the VAPID contact when it is `https:`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(keys: VapidKeys, public_url: &str, hosts: PushHosts) -> anyhow::Result<Self> {
        let subject = if public_url.starts_with("https://") {
            public_url.trim_end_matches('/').to_owned()
        } else {
            // Push services ask for a contact URL or address; a server without a public https
            // address has none to give.
            "mailto:motcua@localhost".to_owned()
        };
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(SEND_TIMEOUT)
            .dns_resolver(Arc::new(PublicOnly))
            .build()
            .context("cannot build the push HTTP client")?;
        Ok(Self {
            keys,
            subject,
            client,
            hosts: Arc::new(hosts),
        })
    }

    /// The public key browsers subscribe with.
    #[must_use]
    pub fn public_key(&self) -> &str {
        &self.keys.public_key
    }

    /// Encrypts `payload` for one subscription and posts it.
    ///
    /// # Errors
    /// [`PushError::Gone`] when the push service no longer knows the subscription, else
    /// [`PushError::Failed`].
    pub async fn send(&self, target: &PushTarget, payload: &[u8]) -> Result<(), PushError> {
        let failed =
            |what: &str, e: &dyn std::fmt::Display| PushError::Failed(format!("{what}: {e}"));
        let endpoint = self
            .hosts
            .check(&target.endpoint)
            .map_err(PushError::Refused)?;
        let info = SubscriptionInfo::new(
            target.endpoint.as_str(),
            target.p256dh.as_str(),
            target.auth.as_str(),
        );
        let mut signature = VapidSignatureBuilder::from_base64(&self.keys.private_key, &info)
            .map_err(|e| failed("VAPID key", &e))?;
        signature.add_claim("sub", self.subject.as_str());
        // The audience is the push service's origin with its port (RFC 8292 §2); the crate's default
        // drops a non-default port.
        let origin = endpoint.origin().ascii_serialization();
        signature.add_claim("aud", origin.as_str());
        let signature = signature
            .build()
            .map_err(|e| failed("VAPID signature", &e))?;
        let mut message = WebPushMessageBuilder::new(&info);
        message.set_ttl(TTL_SECONDS);
        message.set_payload(ContentEncoding::Aes128Gcm, payload);
        message.set_vapid_signature(signature);
        let message = message
            .build()
            .map_err(|e| failed("the subscription's keys are unusable", &e))?;
        let request = build_request::<Vec<u8>>(message);
        let mut outgoing = self
            .client
            .post(request.uri().to_string())
            .body(request.body().clone());
        for (name, value) in request.headers() {
            outgoing = outgoing.header(name.as_str(), value.as_bytes());
        }
        let mut response = outgoing
            .send()
            .await
            .map_err(|e| failed("push service unreachable", &e))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => Ok(()),
            404 | 410 => Err(PushError::Gone(status)),
            // Not followed: a push service answers a push itself.
            300..=399 => Err(PushError::Failed(format!(
                "push service answered {status} (a redirect, not followed)"
            ))),
            _ => {
                // The first piece of the answer is enough to say what went wrong.
                let first = response.chunk().await.ok().flatten().unwrap_or_default();
                let body = String::from_utf8_lossy(&first[..first.len().min(400)]);
                let body: String = body.chars().take(200).collect();
                Err(PushError::Failed(format!(
                    "push service answered {status}: {body}"
                )))
            }
        }
    }
}

/// The push client's name resolution: the system's, keeping only public addresses, so that a push
/// service's name that leads to this machine, a private network or a cloud metadata address is never
/// connected to. (An IP literal is not resolved: it is called only when [`PushHosts`] lists it.)
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| is_public(a.ip()))
                .collect();
            if found.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether an address is on the public internet (not loopback, private, link-local, shared, reserved,
/// documentation or multicast).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || (s[0] == 0x0064 && s[1] == 0xff9b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_connected_to() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in ["142.250.4.95", "2607:f8b0:4005:80c::200a", "17.253.144.10"] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }
}
