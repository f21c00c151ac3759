//! The OpenID Connect relying party of sign-in with the national e-identity (VNeID): discovery from
//! the issuer URL, the authorization code flow with PKCE (S256), `state` and `nonce`, the ID token's
//! signature and claims checked by the `openidconnect` crate, then the claims (of the ID token, and of
//! the user-info endpoint for what the ID token leaves out) mapped by configuration to a
//! [`VerifiedIdentity`].
//!
//! Nothing here logs the identity number, the tokens or the client secret.

use std::time::{Duration, Instant};

use domain::api::VerifiedIdentity;
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthenticationContextClass, AuthorizationCode, Client,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet,
    EndpointSet, IdTokenFields, IssuerUrl, Nonce, OAuth2TokenResponse as _, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    TokenResponse as _, UserInfoClaims,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
        CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm, CoreProviderMetadata, CoreRevocableToken,
        CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
    },
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::OidcSettings;

/// Claims besides the standard ones (the identity number, …), kept as they came.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct ExtraClaims {
    #[serde(flatten)]
    rest: serde_json::Map<String, Value>,
}

impl AdditionalClaims for ExtraClaims {}

type Fields = IdTokenFields<
    ExtraClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type RpClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// How long discovered provider metadata (with its signing keys) is used before it is fetched again.
const METADATA_TTL: Duration = Duration::from_secs(600);

/// Why a sign-in failed: each has a short code the sign-in page explains (`/dang-nhap?loi=<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The method is not configured on this server.
    Off,
    /// The provider could not be reached, or refused the code.
    Provider,
    /// The citizen cancelled at the provider (or it refused them).
    Cancelled,
    /// The sign-in was unknown, used already or older than 10 minutes.
    Expired,
    /// The sign-in was started in another browser.
    OtherBrowser,
    /// The ID token did not check out (signature, issuer, audience, time, nonce, access-token hash).
    Invalid,
    /// The provider did not give a usable identity number or name.
    MissingClaims,
    /// The account's assurance level is below the one required.
    LowAssurance,
    /// Another account already has this identity number.
    IdentityTaken,
    /// Too many sign-ins started from this address.
    TooMany,
    /// The server failed (database).
    Internal,
}

impl Failure {
    /// The code in `/dang-nhap?loi=…`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::Off => "chua_ho_tro",
            Self::Provider => "nha_cung_cap",
            Self::Cancelled => "da_huy",
            Self::Expired => "het_han",
            Self::OtherBrowser => "trinh_duyet_khac",
            Self::Invalid => "khong_hop_le",
            Self::MissingClaims => "thieu_thong_tin",
            Self::LowAssurance => "muc_dam_bao",
            Self::IdentityTaken => "trung_dinh_danh",
            Self::TooMany => "qua_nhieu",
            Self::Internal => "he_thong",
        }
    }
}

/// Where to send the browser to start a sign-in, and what to keep to check the answer.
pub struct Started {
    /// The provider's authorization URL.
    pub url: String,
    /// The `state` in it.
    pub state: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier of its challenge.
    pub pkce_verifier: String,
}

/// A citizen the provider vouched for.
pub struct Vouched {
    /// The issuer.
    pub issuer: String,
    /// The subject.
    pub subject: String,
    /// The mapped identity.
    pub identity: VerifiedIdentity,
    /// A phone the provider says it verified, normalised (`0xxxxxxxxx`).
    pub verified_phone: Option<String>,
}

/// The relying party: configuration, an HTTP client that follows no redirects, and the provider's
/// metadata once discovered.
pub struct RelyingParty {
    settings: OidcSettings,
    issuer: IssuerUrl,
    client_id: ClientId,
    redirect: RedirectUrl,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl std::fmt::Debug for RelyingParty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelyingParty")
            .field("issuer", &self.issuer.as_str())
            .field("client_id", &self.client_id.as_str())
            .finish_non_exhaustive()
    }
}

impl RelyingParty {
    /// From the configuration, when an issuer and a client id are set; the callback is at
    /// `<public_url>/api/v1/auth/vneid/callback`.
    ///
    /// # Errors
    /// When the issuer or the public URL is not a URL.
    pub fn from_settings(
        settings: &OidcSettings,
        public_url: &str,
    ) -> anyhow::Result<Option<Self>> {
        let (Some(issuer), Some(client_id)) = (&settings.issuer, &settings.client_id) else {
            return Ok(None);
        };
        let issuer = IssuerUrl::new(issuer.trim().to_owned())
            .map_err(|e| anyhow::anyhow!("MOTCUA_OIDC_ISSUER is not a URL: {e}"))?;
        let redirect = RedirectUrl::new(format!(
            "{}/api/v1/auth/vneid/callback",
            public_url.trim_end_matches('/')
        ))
        .map_err(|e| anyhow::anyhow!("the public URL is not a URL: {e}"))?;
        let http = reqwest::Client::builder()
            // Following redirects would let the provider's answers point the server anywhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(15))
            .build()?;
        if settings.min_assurance_level.is_none() {
            // No secret and no personal data: only which setting is missing.
            tracing::warn!(
                issuer = %issuer.as_str(),
                "VNeID sign-in is on without a minimum assurance level: every account the provider \
                 vouches for is accepted, whatever its level of assurance. Set MOTCUA_OIDC_MIN_ACR \
                 (--oidc-min-acr), e.g. 2 for a level-2 e-identity account."
            );
        }
        Ok(Some(Self {
            settings: settings.clone(),
            issuer,
            client_id: ClientId::new(client_id.trim().to_owned()),
            redirect,
            http,
            metadata: tokio::sync::Mutex::new(None),
        }))
    }

    /// The provider's metadata: discovered now, or the copy of the last 10 minutes.
    async fn metadata(&self, fresh: bool) -> Result<CoreProviderMetadata, Failure> {
        let mut cached = self.metadata.lock().await;
        if !fresh
            && let Some((at, metadata)) = cached.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let metadata = CoreProviderMetadata::discover_async(self.issuer.clone(), &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(issuer = %self.issuer.as_str(), error = %e, "OpenID discovery failed");
                Failure::Provider
            })?;
        *cached = Some((Instant::now(), metadata.clone()));
        Ok(metadata)
    }

    async fn client(&self, fresh: bool) -> Result<RpClient, Failure> {
        let metadata = self.metadata(fresh).await?;
        Ok(RpClient::from_provider_metadata(
            metadata,
            self.client_id.clone(),
            self.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(self.redirect.clone()))
    }

    /// The authorization URL of a new sign-in: code flow, PKCE S256, fresh `state` and `nonce`.
    ///
    /// # Errors
    /// [`Failure::Provider`] when discovery fails.
    pub async fn start(&self) -> Result<Started, Failure> {
        let client = self.client(false).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in &self.settings.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if let Some(min) = &self.settings.min_assurance_level {
            request = request.add_auth_context_value(AuthenticationContextClass::new(min.clone()));
        }
        let (url, state, nonce) = request.url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchanges the code (with the PKCE verifier), checks the ID token (signature, issuer, audience,
    /// times, `nonce`, access-token hash), reads the user-info claims for the same subject, and maps
    /// them.
    ///
    /// # Errors
    /// The [`Failure`] to show.
    pub async fn finish(
        &self,
        code: &str,
        nonce: &str,
        pkce_verifier: &str,
    ) -> Result<Vouched, Failure> {
        let client = self.client(false).await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| {
                tracing::warn!(error = %e, "the provider has no token endpoint");
                Failure::Provider
            })?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(&self.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "the provider refused the authorization code");
                Failure::Provider
            })?;
        let id_token = tokens.id_token().ok_or_else(|| {
            tracing::warn!("the provider answered without an ID token");
            Failure::Invalid
        })?;
        // A key the cached metadata does not know yet (the provider rotated its keys): once more
        // with fresh metadata.
        // The client whose keys verified the token also checks its at_hash below: after a key
        // rotation that is the fresh one.
        let first_try = id_token
            .claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned()))
            .cloned();
        let (checked, verifier_client) = match first_try {
            Ok(claims) => (claims, client),
            Err(first) => {
                let fresh = self.client(true).await?;
                let claims = id_token
                    .claims(&fresh.id_token_verifier(), &Nonce::new(nonce.to_owned()))
                    .cloned()
                    .map_err(|e| {
                        tracing::warn!(error = %e, first = %first, "the ID token did not check out");
                        Failure::Invalid
                    })?;
                (claims, fresh)
            }
        };
        if let Some(expected) = checked.access_token_hash() {
            let verifier = verifier_client.id_token_verifier();
            let actual = id_token
                .signing_alg()
                .ok()
                .zip(id_token.signing_key(&verifier).ok())
                .and_then(|(alg, key)| {
                    AccessTokenHash::from_token(tokens.access_token(), alg, key).ok()
                });
            if actual.as_ref() != Some(expected) {
                tracing::warn!("the ID token's at_hash does not match the access token");
                return Err(Failure::Invalid);
            }
        }
        let mut claims = serde_json::to_value(&checked).map_err(|_| Failure::Invalid)?;
        // What the ID token leaves out (a provider may give profile claims only at user-info), for
        // the same subject (checked by the crate).
        if let Ok(request) = verifier_client.user_info(
            tokens.access_token().clone(),
            Some(checked.subject().clone()),
        ) {
            match request
                .request_async::<ExtraClaims, _, CoreGenderClaim>(&self.http)
                .await
            {
                Ok(info) => merge_missing(&mut claims, &user_info_json(&info)),
                Err(e) => tracing::warn!(error = %e, "the user-info request failed"),
            }
        }
        let identity = map_identity(&self.settings, &claims)?;
        if let Some(min) = &self.settings.min_assurance_level
            && !assurance_at_least(identity.assurance_level.as_deref(), min)
        {
            return Err(Failure::LowAssurance);
        }
        let verified_phone = (lookup(&claims, "phone_number_verified") == Some(&Value::Bool(true)))
            .then(|| text(&claims, "phone_number"))
            .flatten()
            .and_then(|raw| normalise_phone(&raw));
        Ok(Vouched {
            issuer: checked.issuer().as_str().to_owned(),
            subject: checked.subject().as_str().to_owned(),
            identity,
            verified_phone,
        })
    }
}

fn user_info_json(info: &UserInfoClaims<ExtraClaims, CoreGenderClaim>) -> Value {
    serde_json::to_value(info).unwrap_or(Value::Null)
}

/// Adds to `into` the keys of `from` it lacks.
fn merge_missing(into: &mut Value, from: &Value) {
    if let (Value::Object(into), Value::Object(from)) = (into, from) {
        for (k, v) in from {
            into.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// The claim at `path` (a key, or keys joined by dots into nested objects).
fn lookup<'a>(claims: &'a Value, path: &str) -> Option<&'a Value> {
    if let Some(v) = claims.get(path) {
        return Some(v);
    }
    path.split('.').try_fold(claims, |v, key| v.get(key))
}

/// The claim as trimmed text (a string, or a number written out), when not empty.
fn text(claims: &Value, path: &str) -> Option<String> {
    let s = match lookup(claims, path)? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// The claims mapped by the configured names to the identity.
///
/// # Errors
/// [`Failure::MissingClaims`] without a 12-digit identity number or a name.
pub fn map_identity(settings: &OidcSettings, claims: &Value) -> Result<VerifiedIdentity, Failure> {
    let identity_number = text(claims, &settings.claim_identity_number)
        .filter(|n| n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(Failure::MissingClaims)?;
    let full_name = text(claims, &settings.claim_full_name)
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| n.chars().count() <= 200)
        .ok_or(Failure::MissingClaims)?;
    Ok(VerifiedIdentity {
        identity_number,
        full_name,
        birth_date: text(claims, &settings.claim_birth_date).and_then(|d| iso_date(&d)),
        gender: text(claims, &settings.claim_gender).map(|g| gender(&g).to_owned()),
        address: text(claims, &settings.claim_address).filter(|a| a.chars().count() <= 500),
        assurance_level: text(claims, &settings.claim_assurance_level)
            .filter(|a| a.chars().count() <= 200),
    })
}

/// `YYYY-MM-DD` (also `YYYY-MM-DDThh…`) or `DD/MM/YYYY`, as ISO; `None` when not a real date.
fn iso_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let date = chrono::NaiveDate::parse_from_str(raw.get(..10).unwrap_or(raw), "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(raw, "%d/%m/%Y"))
        .ok()?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// `nam`, `nu` or `khac`.
fn gender(raw: &str) -> &'static str {
    match raw.trim().to_lowercase().as_str() {
        "male" | "m" | "nam" | "1" => "nam",
        "female" | "f" | "nữ" | "nu" | "2" => "nu",
        _ => "khac",
    }
}

/// The stated level is at least `min`: compared as numbers when both end in a number (`2`,
/// `urn:…:loa:2`), otherwise equal.
fn assurance_at_least(stated: Option<&str>, min: &str) -> bool {
    fn level(s: &str) -> Option<u32> {
        let digits: String = s
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        digits.parse().ok()
    }
    let Some(stated) = stated else {
        return false;
    };
    match (level(stated), level(min)) {
        (Some(a), Some(b)) => a >= b,
        _ => stated == min,
    }
}

/// A phone as the provider writes it (`+84…`, `84…`, `0…`) in the national form `0xxxxxxxxx`.
fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = digits.strip_prefix("84").filter(|_| !raw.starts_with('0')) {
        format!("0{rest}")
    } else {
        digits
    };
    domain::SoDienThoai::try_from(national)
        .ok()
        .map(|p| p.as_str().to_owned())
}

/// `next` when it is a path of this site (`/…`, not `//…`, no backslash or control character, at most
/// 512 bytes); otherwise the sign-in page.
#[must_use]
pub fn safe_next(next: Option<&str>) -> String {
    const DEFAULT: &str = "/dang-nhap";
    let Some(next) = next else {
        return DEFAULT.to_owned();
    };
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && next.len() <= 512
        && !next.contains('\\')
        && !next.chars().any(char::is_control);
    if !ok {
        return DEFAULT.to_owned();
    }
    // As it goes in a Location header: bytes outside visible ASCII percent-encoded.
    next.bytes()
        .map(|b| {
            if b.is_ascii_graphic() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_map_by_configured_names() {
        let settings = OidcSettings::default();
        let claims = serde_json::json!({
            "sub": "x", "identity_number": "051090000145", "name": "  Nguyễn   Văn An ",
            "birthdate": "17/05/1990", "gender": "female",
            "address": {"formatted": "Thôn 1, xã Tịnh Khê"}, "acr": "2"
        });
        let id = map_identity(&settings, &claims).expect("mapped");
        assert_eq!(id.identity_number, "051090000145");
        assert_eq!(id.full_name, "Nguyễn Văn An");
        assert_eq!(id.birth_date.as_deref(), Some("1990-05-17"));
        assert_eq!(id.gender.as_deref(), Some("nu"));
        assert_eq!(id.address.as_deref(), Some("Thôn 1, xã Tịnh Khê"));
        assert_eq!(id.assurance_level.as_deref(), Some("2"));
        let short = serde_json::json!({"identity_number": "05109000014", "name": "A"});
        assert_eq!(
            map_identity(&settings, &short).err(),
            Some(Failure::MissingClaims)
        );
    }

    #[test]
    fn assurance_levels_compare_as_numbers() {
        assert!(assurance_at_least(Some("2"), "2"));
        assert!(assurance_at_least(Some("urn:vneid:loa:3"), "2"));
        assert!(!assurance_at_least(Some("1"), "2"));
        assert!(!assurance_at_least(None, "1"));
        assert!(assurance_at_least(Some("high"), "high"));
    }

    #[test]
    fn next_is_a_path_of_this_site_only() {
        assert_eq!(safe_next(Some("/ho-so?x=1")), "/ho-so?x=1");
        assert_eq!(
            safe_next(Some("/tra-cuu?q=hộ 1")),
            "/tra-cuu?q=h%E1%BB%99%201"
        );
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "evil",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/dang-nhap", "{bad}");
        }
        assert_eq!(safe_next(None), "/dang-nhap");
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(
            normalise_phone("+84912345678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(normalise_phone("0912345678").as_deref(), Some("0912345678"));
        assert_eq!(normalise_phone("abc"), None);
    }
}
