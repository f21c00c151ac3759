//! The wire contract of `/api/v1`: request and response bodies shared by the phone and the server. No
//! logic lives here; see `docs/api.md` for the URL and envelope rules.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{FieldError, FormVersion, Lang, Procedure, Vnd, forms::Jurisdiction, lifecycle::State};

/// `POST /api/v1/dossiers` (header `Idempotency-Key`: the phone's submission id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitDossier {
    /// Which procedure.
    pub procedure: Procedure,
    /// The form version the draft was filled against.
    pub form_version: FormVersion,
    /// What was typed: the draft's data, validated again by the server.
    pub form: Value,
    /// Who files it and how to reach them; the phone number is the second factor of a look-up.
    pub applicant: Applicant,
    /// Filed by an officer at the counter for the citizen, who confirmed it with the code texted to the
    /// applicant's phone (`POST /api/v1/staff/assisted/otp`); needs the officer's session. The dossier
    /// then records the channel `assisted` and the officer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assisted: Option<AssistedConfirmation>,
}

/// The citizen's confirmation of a dossier an officer files for them at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssistedConfirmation {
    /// The 6-digit code the citizen received by SMS and read out to the officer.
    pub code: String,
}

/// The person filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// Mobile or landline number.
    pub phone: String,
}

/// The fee of a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeeQuote {
    /// What this dossier pays (online).
    pub amount: Vnd,
    /// What the same dossier pays at the counter, to show the online reduction.
    pub counter_amount: Vnd,
}

/// What the applicant gets when a dossier is accepted: the same on a replay of the same submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// The dossier code (mã hồ sơ).
    pub code: String,
    /// Which procedure.
    pub procedure: Procedure,
    /// Who decides it.
    pub jurisdiction: Jurisdiction,
    /// When the server received it (RFC 3339, Vietnam time).
    pub received_at: String,
    /// When the result is due; none for a promotion notice (receipt only).
    #[serde(default, deserialize_with = "iso_date::optional")]
    pub due_date: Option<NaiveDate>,
    /// The fee.
    pub fee: FeeQuote,
    /// Where to follow it (also encoded in the receipt's QR code).
    pub lookup_url: String,
    /// The receipt as a PDF.
    pub receipt_pdf_url: String,
    /// The QR code of `lookup_url` as a standalone SVG (a `viewBox` in modules with the quiet zone,
    /// black on white; size it with CSS), the same code the PDF prints, for the phone to show and keep
    /// offline. Empty in receipts stored before it was added.
    #[serde(default)]
    pub lookup_qr_svg: String,
}

/// Reading `yyyy-mm-dd` dates without chrono's general parser, which is about 11 KB of WASM in the public
/// pages' bundle (they read receipts in look-up results); chrono still writes them.
mod iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize as _, Deserializer, de::Error as _};

    /// `yyyy-mm-dd` (what chrono writes), else `None`.
    pub(super) fn parse(text: &str) -> Option<NaiveDate> {
        let mut parts = text.split('-');
        let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
        if parts.next().is_some() || !digits(year, 4) || !digits(month, 2) || !digits(day, 2) {
            return None;
        }
        NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    /// An optional date: `null` or absent, or `yyyy-mm-dd`.
    pub(super) fn optional<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        Option::<String>::deserialize(deserializer)?
            .map(|text| {
                parse(&text)
                    .ok_or_else(|| D::Error::custom(format!("not a date (yyyy-mm-dd): {text}")))
            })
            .transpose()
    }
}

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    /// The state the dossier entered.
    pub state: State,
    /// When (RFC 3339, Vietnam time).
    pub at: String,
    /// What the office wrote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `GET /api/v1/dossiers/{code}`: where a dossier stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierStatus {
    /// The receipt.
    pub receipt: Receipt,
    /// The current state.
    pub state: State,
    /// Every step, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// The documents the office issued on it (the result, letters), oldest first; each `url` needs the
    /// owner's session or the dossier-scoped access. Empty in the public view.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<IssuedDocument>,
    /// What the reader may see: the public view (status, dates and office; no notes, no documents), or
    /// the whole dossier's status for its owner or a dossier-scoped access.
    #[serde(default)]
    pub view: StatusView,
}

/// How much of a dossier's status a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StatusView {
    /// Anyone with the code: the state, the dates and the office; no personal data, no notes, no
    /// documents.
    Public,
    /// The owner (signed in) or a dossier-scoped access: everything. Statuses kept before the
    /// distinction existed were the owner's.
    #[default]
    Full,
}

/// `POST /api/v1/dossiers/{code}/access/verify`: the code texted to the dossier's phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierAccessVerify {
    /// The 6 digits of the text message.
    pub code: String,
}

/// A dossier-scoped access, granted: its cookie is set; it reads this dossier only, until then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DossierAccessGranted {
    /// The dossier.
    pub code: String,
    /// When the access ends (RFC 3339).
    pub expires_at: String,
}

/// One field error on the wire: the domain's error with its message in the request's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiFieldError {
    /// The field's path in the form, e.g. `owner.so_dinh_danh`.
    pub path: String,
    /// The message key (stable, for clients that localise themselves).
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// The legal basis, if the rule comes from a legal text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
}

impl ApiFieldError {
    /// The wire form of a domain error.
    #[must_use]
    pub fn from_domain(error: &FieldError, lang: Lang) -> Self {
        Self {
            path: error.path.clone(),
            key: serde_json::to_value(error.key)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            message: error.message(lang),
            citation: error.citation.clone(),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// A stable machine-readable code (`validation_failed`, `not_found`, `conflict`, …).
    pub code: String,
    /// A message for people, in the request's language.
    pub message: String,
    /// One entry per bad field, for `validation_failed`.
    #[serde(default)]
    pub fields: Vec<ApiFieldError>,
}

// ── Accounts, the staff workspace, the supplement loop and notifications (issue 7) ──────────────────
//
// The shapes below are the contract between the phone, the tablet and the server. Routes:
// - `POST /api/v1/auth/otp` [`OtpRequest`] → 202; `POST /api/v1/auth/otp/verify` [`OtpVerify`] →
//   [`SessionInfo`] and the session cookie; `POST /api/v1/auth/staff` [`StaffLogin`] → [`SessionInfo`];
//   `GET /api/v1/session` → [`SessionInfo`]; `DELETE /api/v1/session` → 204.
// - A signed-in client sends `X-CSRF-Token: <SessionInfo::csrf_token>` on every POST/PUT/PATCH/DELETE.
// - Staff: `GET /api/v1/staff/dossiers` (query: [`QueueQuery`]) → [`QueuePage`];
//   `GET /api/v1/staff/dossiers/{code}` → [`StaffDossier`]; `POST /api/v1/staff/dossiers/{code}/actions`
//   [`StaffAction`] → [`StaffDossier`]; `GET /api/v1/staff/audit` (query: [`AuditQuery`]) →
//   `Vec<`[`AuditRecord`]`>` (supervisors of the jurisdiction and administrators).
// - Citizen: `GET /api/v1/dossiers/{code}/supplement?phone=…` → [`SupplementRequest`];
//   `POST /api/v1/dossiers/{code}/resubmissions` (header `Idempotency-Key`) [`Resubmission`] →
//   [`DossierStatus`]; `GET /api/v1/me/dossiers` → `Vec<`[`DossierStatus`]`>`; `GET /api/v1/me/inbox` →
//   `Vec<`[`InboxItem`]`>`; `POST /api/v1/me/push-subscriptions` [`PushSubscription`] → 204.
// - Sign-in details: `POST /api/v1/auth/otp` answers [`OtpSent`]; `POST /api/v1/auth/staff/password`
//   [`PasswordChange`] → 204 (the only staff route open while `must_change_password`).
// - Administrator: `GET /api/v1/admin/staff` → `Vec<`[`StaffAccount`]`>`; `POST /api/v1/admin/staff`
//   [`NewStaffAccount`] → 201 [`CreatedStaffAccount`]; `PATCH /api/v1/admin/staff/{id}`
//   [`StaffAccountUpdate`] → [`StaffAccount`]; `POST /api/v1/admin/staff/{id}/password` → 200
//   [`CreatedStaffAccount`] (a new temporary password).

/// A staff member's role (the database's `staff_accounts.role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates staff accounts and assigns jurisdictions; sees no dossier by that role alone.
    Administrator,
    /// Processes household-business dossiers of one or more communes.
    CommuneOfficer,
    /// Processes promotion notices (Sở Công Thương).
    TradeOfficer,
    /// Reads every dossier of a jurisdiction and its audit log; takes no action.
    Supervisor,
}

impl Role {
    /// The stored and wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Administrator => "administrator",
            Self::CommuneOfficer => "commune_officer",
            Self::TradeOfficer => "trade_officer",
            Self::Supervisor => "supervisor",
        }
    }

    /// The role by its stored name.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Administrator,
            Self::CommuneOfficer,
            Self::TradeOfficer,
            Self::Supervisor,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
    }

    /// The role as staff read it.
    #[must_use]
    pub const fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Administrator => lang.pick("Quản trị viên", "Administrator"),
            Self::CommuneOfficer => lang.pick("Cán bộ cấp xã", "Commune officer"),
            Self::TradeOfficer => lang.pick(
                "Cán bộ Sở Công Thương",
                "Department of Industry and Trade officer",
            ),
            Self::Supervisor => lang.pick("Lãnh đạo, giám sát", "Supervisor"),
        }
    }
}

/// `POST /api/v1/auth/otp`: send a one-time code to this phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpRequest {
    /// The phone number, as typed.
    pub phone: String,
}

/// The answer to [`OtpRequest`] (202): when a new code may be asked for and how long this one works.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpSent {
    /// Seconds before another code can be sent to the same phone.
    pub resend_after_seconds: u32,
    /// Seconds the code works.
    pub expires_in_seconds: u32,
}

/// `POST /api/v1/auth/otp/verify`: the code that arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtpVerify {
    /// The same phone number.
    pub phone: String,
    /// The code from the SMS.
    pub code: String,
}

/// `POST /api/v1/auth/staff`: a staff member signs in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffLogin {
    /// Login name (case ignored).
    pub username: String,
    /// Password.
    pub password: String,
}

/// `POST /api/v1/auth/staff/password`: a staff member changes their password (204).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one (at least [`MIN_PASSWORD_CHARS`] characters, not the login name).
    pub new_password: String,
}

/// The shortest staff password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A staff account as the administrator sees it (`GET /api/v1/admin/staff` → `Vec<StaffAccount>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    /// Account id (UUID).
    pub id: String,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Position (chức danh): how documents they issue are signed.
    #[serde(default)]
    pub title: crate::accounts::Title,
    /// Commune codes (or `SCT`).
    pub jurisdictions: Vec<String>,
    /// Cannot sign in.
    pub disabled: bool,
    /// Still has a temporary password.
    pub must_change_password: bool,
    /// When it was made (RFC 3339, Vietnam time).
    pub created_at: String,
}

/// `POST /api/v1/admin/staff`: a new account (the server makes a temporary password).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewStaffAccount {
    /// Login name (`crate::accounts::parse_username`).
    pub username: String,
    /// Full name.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Commune codes (or `SCT`), as the role needs (`crate::accounts::parse_jurisdictions`).
    #[serde(default)]
    pub jurisdictions: Vec<String>,
    /// Position (chức danh), as the jurisdictions allow (`crate::accounts::check_title`); a chuyên viên
    /// when left out.
    #[serde(default)]
    pub title: crate::accounts::Title,
}

/// The answer to [`NewStaffAccount`] (201), and to a password reset: the temporary password, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedStaffAccount {
    /// The account.
    pub account: StaffAccount,
    /// The temporary password (to be changed at the first sign-in).
    pub password: String,
}

/// `PATCH /api/v1/admin/staff/{id}`: what to change; parts left out stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccountUpdate {
    /// Disable (sessions end at once) or enable again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// The new jurisdictions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdictions: Option<Vec<String>>,
    /// The new position (checked against the jurisdictions after the change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<crate::accounts::Title>,
}

/// Who is signed in.
///
/// On the wire an object tagged by `kind` (`{"kind":"citizen","phone":"…"}`). It is read through the flat
/// [`PrincipalWire`]: serde's derive for an internally tagged enum buffers the object into a generic
/// `Content` first and compiles a second deserializer for every variant, about 12 KB of WASM in the
/// public pages' bundle, which only needs it for the header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", try_from = "PrincipalWire")]
pub enum Principal {
    /// Nobody.
    Anonymous,
    /// A citizen: a phone number proved by a one-time code, an identity vouched for by the national
    /// e-identity (VNeID, OpenID Connect), or both.
    Citizen {
        /// The normalised phone number, when the account has a proved one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<String>,
        /// The identity the national e-identity vouched for, when the citizen signed in with it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        identity: Option<VerifiedIdentity>,
    },
    /// A staff member.
    Staff {
        /// Login name.
        username: String,
        /// Name shown.
        display_name: String,
        /// Role.
        role: Role,
        /// The commune codes (or `SCT`) whose dossiers the role reaches.
        jurisdictions: Vec<String>,
        /// The password must be changed before anything else.
        must_change_password: bool,
    },
}

/// Which [`Principal`] a wire object is.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum PrincipalKind {
    Anonymous,
    Citizen,
    Staff,
}

/// A [`Principal`] as read: its tag and every variant's fields, each optional.
#[derive(Deserialize)]
struct PrincipalWire {
    kind: PrincipalKind,
    phone: Option<String>,
    identity: Option<VerifiedIdentity>,
    username: Option<String>,
    display_name: Option<String>,
    role: Option<Role>,
    jurisdictions: Option<Vec<String>>,
    must_change_password: Option<bool>,
}

impl TryFrom<PrincipalWire> for Principal {
    type Error = String;

    fn try_from(wire: PrincipalWire) -> Result<Self, Self::Error> {
        fn required<T>(field: Option<T>, name: &str) -> Result<T, String> {
            field.ok_or_else(|| format!("missing field `{name}`"))
        }
        Ok(match wire.kind {
            PrincipalKind::Anonymous => Self::Anonymous,
            PrincipalKind::Citizen => Self::Citizen {
                phone: wire.phone,
                identity: wire.identity,
            },
            PrincipalKind::Staff => Self::Staff {
                username: required(wire.username, "username")?,
                display_name: required(wire.display_name, "display_name")?,
                role: required(wire.role, "role")?,
                jurisdictions: required(wire.jurisdictions, "jurisdictions")?,
                must_change_password: required(wire.must_change_password, "must_change_password")?,
            },
        })
    }
}

/// A person as the national electronic identity (VNeID, NĐ 69/2024/NĐ-CP) vouched for them at sign-in,
/// through OpenID Connect: what the ID token's claims said, mapped by the server's configuration. It is
/// shown to the citizen and fills a form's owner block; it can never be typed over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedIdentity {
    /// Số định danh cá nhân (12 digits).
    pub identity_number: String,
    /// Họ và tên, as the identity provider writes it.
    pub full_name: String,
    /// Ngày sinh, ISO `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Giới tính: `nam`, `nu` or `khac`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    /// Nơi thường trú / địa chỉ, one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The assurance level the provider stated (`acr`), e.g. `2` for a level-2 e-identity account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assurance_level: Option<String>,
}

/// The ways to sign in that this server has switched on (`GET /api/v1/session`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInMethods {
    /// A phone number and a one-time code sent by SMS.
    #[serde(default)]
    pub phone: bool,
    /// The national electronic identity (VNeID) through OpenID Connect.
    #[serde(default)]
    pub vneid: bool,
}

/// `GET /api/v1/session`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    /// Who.
    pub principal: Principal,
    /// The ways to sign in this server offers.
    #[serde(default)]
    pub methods: SignInMethods,
    /// The token to send as `X-CSRF-Token` on state-changing requests; none when anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    /// When the session ends (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// The signed-in account's store key: 64 random hex digits the server issued to the account, which
    /// name the person's store on the device (`motcua-p-<store_key>`); they say nothing about the
    /// person, unlike a hash of a 10-digit phone number. None when anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store_key: Option<String>,
}

/// Query of `GET /api/v1/staff/dossiers`; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueQuery {
    /// Only this state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<State>,
    /// Only this procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Procedure>,
    /// Code, applicant name or phone (accents ignored for names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Which page, from 1 (the first when absent); [`QUEUE_PAGE_SIZE`] dossiers a page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
}

/// The most dossiers one page of the queue lists.
pub const QUEUE_PAGE_SIZE: u32 = 50;

/// One page of an officer's queue, most urgent first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    /// The dossiers of this page (at most [`QUEUE_PAGE_SIZE`]).
    pub items: Vec<QueueItem>,
    /// This page, from 1.
    pub page: u32,
    /// How many pages there are (at least 1).
    pub pages: u32,
    /// How many dossiers match, on all pages.
    pub total: u64,
}

/// One row of an officer's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    /// Dossier code.
    pub code: String,
    /// Procedure.
    pub procedure: Procedure,
    /// Commune code or `SCT`.
    pub jurisdiction: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone.
    pub applicant_phone: String,
    /// Current state.
    pub state: State,
    /// When it arrived (RFC 3339, Vietnam time).
    pub received_at: String,
    /// Due date, if the procedure has one.
    pub due_date: Option<NaiveDate>,
    /// Late today.
    pub overdue: bool,
    /// Due within two working days.
    pub due_soon: bool,
}

/// One attachment as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentView {
    /// The attachment kind (the draft's key).
    pub kind: String,
    /// `image/jpeg`, `image/png` or `application/pdf`.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// The name it had on the phone.
    pub original_name: String,
    /// Where to fetch it (staff session required).
    pub url: String,
}

/// A document the office issued on a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuedDocument {
    /// What it is (`gcn`, `termination_notice`, `supplement_request`, `refusal`, `apology`,
    /// `acknowledgement`).
    pub kind: String,
    /// Its title as printed.
    pub title: String,
    /// Its number and symbol as printed after "Số: " ("07/TB-PKT"); none for the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// When (RFC 3339, Vietnam time).
    pub issued_at: String,
    /// The PDF (for the owner and staff).
    pub url: String,
    /// The public verification page, for documents that carry a QR code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify_url: Option<String>,
}

/// `GET /api/v1/staff/dossiers/{code}`: everything an officer needs to decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffDossier {
    /// The queue row.
    pub summary: QueueItem,
    /// The validated form as filed (or as last resubmitted).
    pub form: Value,
    /// `online` or `assisted`.
    pub channel: String,
    /// The files.
    pub attachments: Vec<AttachmentView>,
    /// Every step, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Documents issued so far.
    pub documents: Vec<IssuedDocument>,
    /// The open request for amendments, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement: Option<SupplementRequest>,
    /// The actions the lifecycle allows now.
    pub allowed_actions: Vec<crate::lifecycle::Action>,
    /// Whether the national e-identity vouched for the business owner's identity number when the
    /// dossier was filed (a VNeID session of the owner's number filed it); none for a promotion notice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_identity_verified: Option<bool>,
    /// For a registration whose owner's identity number was not verified so: what the officer must
    /// check before accepting it ([`crate::forms::filer::unverified_owner_warning`]), in the reader's
    /// language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_identity_warning: Option<String>,
}

/// `POST /api/v1/staff/dossiers/{code}/actions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAction {
    /// What to do.
    pub action: crate::lifecycle::Action,
    /// The reason: required to refuse at intake, to reject and to extend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a request for amendments: one note per field or attachment (at least one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<SupplementItem>,
    /// For an extension: the new due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_due_date: Option<NaiveDate>,
    /// For approving a registration: the household business's code (its tax code, NĐ 168/2025 art. 91)
    /// as the tax system gave it; without one, the owner's personal identification number, which
    /// serves as the tax code of a household business (TT 86/2024/TT-BTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hkd_code: Option<String>,
}

/// `GET /api/v1/staff/audit`: whose rows. A dossier wins over a jurisdiction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditQuery {
    /// A dossier code: every row of that dossier, oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier: Option<String>,
    /// A commune code or `SCT`: its latest rows (at most 500 an answer), newest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// With `jurisdiction`: only rows older than this one ([`AuditRecord::id`] of the last row of the
    /// previous answer), for the next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// One row of the audit log: who read or did what, when and from which address. Append-only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditRecord {
    /// The row's number, growing with time (the cursor of [`AuditQuery::before`]).
    pub id: i64,
    /// When (RFC 3339, Vietnam time).
    pub at: String,
    /// The staff member's id.
    pub staff_id: String,
    /// Their name.
    pub staff_name: String,
    /// `view`, `attachment`, `document`, `queue`, `action:<name>` (a [`crate::lifecycle::Action`] or
    /// `assisted_submission`).
    pub action: String,
    /// The dossier (none for a read of the queue).
    pub dossier: Option<String>,
    /// Its jurisdiction (commune code or `SCT`).
    pub jurisdiction: String,
    /// The client's address.
    pub client_addr: Option<String>,
    /// What exactly (a file, a note, the queue's filters and how many dossiers it showed).
    pub detail: Option<String>,
}

/// One thing the office asks to amend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementItem {
    /// A field's path in the draft (`owner.so_dinh_danh`) or `attachment:<kind>`.
    pub target: String,
    /// What is wrong and what to send.
    pub note: String,
}

/// The open request for amendments of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupplementRequest {
    /// When it was made (RFC 3339, Vietnam time).
    pub requested_at: String,
    /// The last day to resubmit (HKD: 60 days, NĐ 168/2025 art. 95.4); none for promotions.
    pub deadline: Option<NaiveDate>,
    /// What the officer wrote overall.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The items.
    pub items: Vec<SupplementItem>,
    /// The letter (TT 68 Mẫu 10 / TT 03 Mẫu 02) as a PDF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_url: Option<String>,
}

/// `POST /api/v1/dossiers/{code}/resubmissions`: the amended dossier (same rules as a submission).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resubmission {
    /// The applicant's phone number as on the dossier. No longer a proof of anything (the owner's session
    /// or a dossier-scoped access is); kept so that older phones' requests still parse.
    #[serde(default)]
    pub phone: String,
    /// The form version.
    pub form_version: FormVersion,
    /// The amended form, validated again.
    pub form: Value,
}

/// The payload of a `notification_outbox` row of kind `dossier_state`: a state change the applicant
/// should hear about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateNotice {
    /// Dossier code.
    pub code: String,
    /// Procedure.
    pub procedure: Procedure,
    /// The new state.
    pub state: State,
    /// When (RFC 3339, Vietnam time).
    pub at: String,
    /// What the office wrote, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One message of the in-app inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    /// Stable id.
    pub id: i64,
    /// The dossier.
    pub code: String,
    /// Title, in the reader's language.
    pub title: String,
    /// Body, in the reader's language.
    pub body: String,
    /// When (RFC 3339, Vietnam time).
    pub at: String,
    /// Read already.
    pub read: bool,
}

/// `POST /api/v1/me/push-subscriptions`: the browser's `PushSubscription.toJSON()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushSubscription {
    /// The push service URL.
    pub endpoint: String,
    /// The keys.
    pub keys: PushKeys,
}

/// The keys of a push subscription (base64url).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushKeys {
    /// The client's public key.
    pub p256dh: String,
    /// The auth secret.
    pub auth: String,
}

/// `GET /api/v1/push/public-key`: the server's VAPID public key, for `PushManager.subscribe`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushPublicKey {
    /// The uncompressed P-256 point, base64url without padding (`applicationServerKey`).
    pub public_key: String,
}

/// `GET /api/v1/verify/{code}` (and the page `/verify/{code}` the QR code of every issued document
/// opens): what the document says and whether it is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedDocument {
    /// What it is (`gcn`, `termination_notice`, `supplement_request`, `refusal`, `apology`,
    /// `acknowledgement`).
    pub kind: String,
    /// Its title as printed.
    pub title: String,
    /// Its number and symbol as printed after "Số: " ("07/TB-PKT"); none for the certificate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// The official form it follows, as printed at the top (none for a letter without one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Who issued it ("UBND phường Cẩm Thành — Phòng Kinh tế, Hạ tầng và Đô thị").
    pub issuer: String,
    /// When (RFC 3339, Vietnam time).
    pub issued_at: String,
    /// The dossier it was issued on.
    pub dossier_code: String,
    /// Whether it is in force: false for a certificate replaced by a later one or whose business is
    /// terminated.
    pub current: bool,
    /// Why it is or is not in force, in a sentence.
    pub status: String,
    /// The household business's legal status now (NĐ 168/2025 art. 98), for documents about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_status: Option<String>,
    /// What it says, item by item, as printed (in Vietnamese, the document's language).
    pub fields: Vec<VerifiedField>,
}

/// One item of a verified document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerifiedField {
    /// The item's name as printed.
    pub label: String,
    /// Its value.
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_read_their_due_date_as_chrono_writes_it() {
        for date in ["2026-11-26", "2024-02-29", "0999-01-01"] {
            let parsed = date.parse::<NaiveDate>().expect("chrono reads it");
            assert_eq!(iso_date::parse(date), Some(parsed));
            assert_eq!(parsed.to_string(), date);
        }
        for bad in [
            "2026-02-30",
            "2026-1-05",
            "26-11-2026",
            "2026-11-26-1",
            "",
            "2026-11",
            "２026-11-26",
        ] {
            assert_eq!(iso_date::parse(bad), None, "{bad}");
        }
        let json = r#"{"code":"C","procedure":"hkd_termination","jurisdiction":{"kind":"commune","commune":"21025"},"received_at":"t","due_date":"2026-11-26","fee":{"amount":0,"counter_amount":0},"lookup_url":"u","receipt_pdf_url":"p"}"#;
        let receipt: Receipt = serde_json::from_str(json).expect("a receipt");
        assert_eq!(receipt.due_date, iso_date::parse("2026-11-26"));
        let again: Receipt =
            serde_json::from_str(&serde_json::to_string(&receipt).expect("ser")).expect("de");
        assert_eq!(again, receipt);
        let none: Receipt = serde_json::from_str(&json.replace(r#""due_date":"2026-11-26","#, ""))
            .expect("no due date");
        assert_eq!(none.due_date, None);
        let null: Receipt = serde_json::from_str(&json.replace(r#""2026-11-26""#, "null"))
            .expect("a null due date");
        assert_eq!(null.due_date, None);
        assert!(
            serde_json::from_str::<Receipt>(&json.replace("2026-11-26", "26/11/2026")).is_err()
        );
    }

    #[test]
    fn principals_keep_their_wire_form() {
        let cases = [
            (Principal::Anonymous, r#"{"kind":"anonymous"}"#),
            (
                Principal::Citizen {
                    phone: Some("0912345678".to_owned()),
                    identity: None,
                },
                r#"{"kind":"citizen","phone":"0912345678"}"#,
            ),
            (
                Principal::Citizen {
                    phone: None,
                    identity: Some(VerifiedIdentity {
                        identity_number: "051185012345".to_owned(),
                        full_name: "Nguyễn Văn An".to_owned(),
                        birth_date: Some("1985-03-02".to_owned()),
                        gender: Some("nam".to_owned()),
                        address: None,
                        assurance_level: Some("2".to_owned()),
                    }),
                },
                r#"{"kind":"citizen","identity":{"identity_number":"051185012345","full_name":"Nguyễn Văn An","birth_date":"1985-03-02","gender":"nam","assurance_level":"2"}}"#,
            ),
            (
                Principal::Staff {
                    username: "lan".to_owned(),
                    display_name: "Nguyễn Thị Lan".to_owned(),
                    role: Role::CommuneOfficer,
                    jurisdictions: vec!["21025".to_owned()],
                    must_change_password: false,
                },
                r#"{"kind":"staff","username":"lan","display_name":"Nguyễn Thị Lan","role":"commune_officer","jurisdictions":["21025"],"must_change_password":false}"#,
            ),
        ];
        for (principal, json) in cases {
            assert_eq!(serde_json::to_string(&principal).expect("ser"), json);
            assert_eq!(
                serde_json::from_str::<Principal>(json).ok(),
                Some(principal)
            );
        }
        // The tag anywhere in the object, and unknown fields ignored, as the derive did.
        assert_eq!(
            serde_json::from_str::<Principal>(
                r#"{"phone":"0912345678","extra":1,"kind":"citizen"}"#
            )
            .ok(),
            Some(Principal::Citizen {
                phone: Some("0912345678".to_owned()),
                identity: None,
            })
        );
        for bad in [
            r#"{"kind":"staff","username":"lan"}"#,
            r#"{"kind":"robot"}"#,
            r#"{"phone":"0912345678"}"#,
        ] {
            assert!(serde_json::from_str::<Principal>(bad).is_err(), "{bad}");
        }
        let session: SessionInfo =
            serde_json::from_str(r#"{"principal":{"kind":"anonymous"}}"#).expect("a session");
        assert_eq!(session.principal, Principal::Anonymous);
    }
}
