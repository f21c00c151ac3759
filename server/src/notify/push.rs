//! Web Push: the server's VAPID key pair (RFC 8292), made on the first start and kept in the database so
//! that every server signs with the same key, and the sender, which encrypts a payload for one
//! subscription (RFC 8291, `aes128gcm`, with the `web-push` crate) and posts it to the push service.

use std::time::Duration;

use anyhow::Context as _;
use base64::Engine as _;
use chrono::Utc;
use web_push::{
    ContentEncoding, SubscriptionInfo, VapidSignatureBuilder, WebPushMessageBuilder,
    request_builder::build_request,
};

use crate::store::{Store, notify::PushTarget};

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
}

impl PushSender {
    /// A sender signing with `keys`; `public_url` becomes the VAPID contact when it is `https:`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(keys: VapidKeys, public_url: &str) -> anyhow::Result<Self> {
        let subject = if public_url.starts_with("https://") {
            public_url.trim_end_matches('/').to_owned()
        } else {
            // Push services ask for a contact URL or address; a server without a public https
            // address has none to give.
            "mailto:motcua@localhost".to_owned()
        };
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .context("cannot build the push HTTP client")?;
        Ok(Self {
            keys,
            subject,
            client,
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
        let origin = reqwest::Url::parse(&target.endpoint)
            .map_err(|e| failed("the endpoint is not a URL", &e))?
            .origin()
            .ascii_serialization();
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
        let response = outgoing
            .send()
            .await
            .map_err(|e| failed("push service unreachable", &e))?;
        let status = response.status().as_u16();
        match status {
            200..=299 => Ok(()),
            404 | 410 => Err(PushError::Gone(status)),
            _ => {
                let body = response.text().await.unwrap_or_default();
                let body: String = body.chars().take(200).collect();
                Err(PushError::Failed(format!(
                    "push service answered {status}: {body}"
                )))
            }
        }
    }
}
