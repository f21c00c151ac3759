//! Who is signed in, and signing in and out: citizens by phone number and a one-time code
//! (`POST /api/v1/auth/otp`, `POST /api/v1/auth/otp/verify`), staff by login name and password
//! (`POST /api/v1/auth/staff`, `POST /api/v1/auth/staff/password`), `GET` / `DELETE /api/v1/session`;
//! and the administrator's staff accounts (`/api/v1/admin/staff`). The session lives in an HttpOnly
//! cookie the page never sees; what the page keeps is the [`SessionInfo`] answer and, in `net`, its
//! anti-forgery token.

use domain::{
    Lang,
    api::{
        CreatedStaffAccount, NewStaffAccount, OtpRequest, OtpSent, OtpVerify, PasswordChange,
        Principal, SessionInfo, StaffAccount, StaffAccountUpdate, StaffLogin,
    },
};
use serde::{Serialize, de::DeserializeOwned};

use super::{PlatformError, net};

/// Who is signed in now.
///
/// # Errors
/// As [`net::get_json`].
pub async fn current(lang: Lang) -> Result<SessionInfo, PlatformError> {
    let info: SessionInfo = net::get_json(&format!("{}/session", net::API), lang).await?;
    net::remember_session(&info);
    Ok(info)
}

/// Sends a one-time code by SMS to `phone`.
///
/// # Errors
/// [`PlatformError::Http`] 422 for a number that is not one (the message says why), 429 when codes were
/// asked for too often; otherwise as [`net::post_json`].
pub async fn request_code(phone: &str, lang: Lang) -> Result<OtpSent, PlatformError> {
    let body = OtpRequest {
        phone: phone.trim().to_owned(),
    };
    net::post_json(&format!("{}/auth/otp", net::API), &body, &[], lang).await
}

/// Signs a citizen in with the code that arrived.
///
/// # Errors
/// [`PlatformError::Http`] 401/422 for a wrong or expired code, 429 when locked; otherwise as
/// [`net::post_json`].
pub async fn verify_code(
    phone: &str,
    code: &str,
    lang: Lang,
) -> Result<SessionInfo, PlatformError> {
    let body = OtpVerify {
        phone: phone.trim().to_owned(),
        code: code.trim().to_owned(),
    };
    let info: SessionInfo =
        net::post_json(&format!("{}/auth/otp/verify", net::API), &body, &[], lang).await?;
    net::remember_session(&info);
    Ok(info)
}

/// Signs a staff member in.
///
/// # Errors
/// [`PlatformError::Http`] 401 for a wrong name or password (the server does not say which), 423/429
/// when the account is locked for a while; otherwise as [`net::post_json`].
pub async fn staff_sign_in(
    username: &str,
    password: &str,
    lang: Lang,
) -> Result<SessionInfo, PlatformError> {
    let body = StaffLogin {
        username: username.trim().to_owned(),
        password: password.to_owned(),
    };
    let info: SessionInfo =
        net::post_json(&format!("{}/auth/staff", net::API), &body, &[], lang).await?;
    net::remember_session(&info);
    Ok(info)
}

/// Changes the signed-in staff member's password.
///
/// # Errors
/// [`PlatformError::Http`] 422 with the reason (wrong current password, too short…); otherwise as
/// [`net::post_json`].
pub async fn change_password(
    current_password: &str,
    new_password: &str,
    lang: Lang,
) -> Result<(), PlatformError> {
    let body = PasswordChange {
        current_password: current_password.to_owned(),
        new_password: new_password.to_owned(),
    };
    write_no_answer(
        "POST",
        &format!("{}/auth/staff/password", net::API),
        Some(&body),
        lang,
    )
    .await
}

/// Signs out (the server ends the session and clears the cookie).
///
/// # Errors
/// As [`net::post_json`].
pub async fn sign_out(lang: Lang) -> Result<(), PlatformError> {
    write_no_answer::<()>("DELETE", &format!("{}/session", net::API), None, lang).await?;
    net::remember_session(&SessionInfo {
        principal: Principal::Anonymous,
        methods: domain::api::SignInMethods::default(),
        csrf_token: None,
        expires_at: None,
        store_key: None,
    });
    Ok(())
}

/// Every staff account (administrator only).
///
/// # Errors
/// As [`net::get_json`]; 403 for anyone but an administrator.
pub async fn staff_accounts(lang: Lang) -> Result<Vec<StaffAccount>, PlatformError> {
    net::get_json(&format!("{}/admin/staff", net::API), lang).await
}

/// Creates a staff account; the answer holds its temporary password, shown once.
///
/// # Errors
/// [`PlatformError::Http`] 422 with the bad fields, 409 for a login name already taken.
pub async fn create_staff(
    account: &NewStaffAccount,
    lang: Lang,
) -> Result<CreatedStaffAccount, PlatformError> {
    net::post_json(&format!("{}/admin/staff", net::API), account, &[], lang).await
}

/// Disables or enables an account, or changes its jurisdictions.
///
/// # Errors
/// As [`create_staff`]; 404 for an unknown account.
pub async fn update_staff(
    id: &str,
    update: &StaffAccountUpdate,
    lang: Lang,
) -> Result<StaffAccount, PlatformError> {
    write_json(
        "PATCH",
        &format!("{}/admin/staff/{}", net::API, net::encode_component(id)),
        update,
        lang,
    )
    .await
}

/// Gives an account a new temporary password (to be changed at its next sign-in).
///
/// # Errors
/// As [`update_staff`].
pub async fn reset_staff_password(
    id: &str,
    lang: Lang,
) -> Result<CreatedStaffAccount, PlatformError> {
    write_json(
        "POST",
        &format!(
            "{}/admin/staff/{}/password",
            net::API,
            net::encode_component(id)
        ),
        &serde_json::Value::Null,
        lang,
    )
    .await
}

/// A state-changing request with a JSON body and a JSON answer.
async fn write_json<B: Serialize, T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: &B,
    lang: Lang,
) -> Result<T, PlatformError> {
    let text = serde_json::to_string(body).map_err(|e| PlatformError::Decode(e.to_string()))?;
    #[cfg(feature = "hydrate")]
    {
        let body = if text == "null" {
            net::Body::Empty
        } else {
            net::Body::Json(text)
        };
        let answer = net::send(method, url, &[], body, lang, net::JSON_TIMEOUT_MS).await?;
        net::decode_answer(answer.status, &answer.body)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, text, lang);
        Err(PlatformError::Unavailable)
    }
}

/// A state-changing request whose answer has no body (204).
async fn write_no_answer<B: Serialize>(
    method: &str,
    url: &str,
    body: Option<&B>,
    lang: Lang,
) -> Result<(), PlatformError> {
    let text = body
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| PlatformError::Decode(e.to_string()))?;
    #[cfg(feature = "hydrate")]
    {
        let body = text.map_or(net::Body::Empty, net::Body::Json);
        let answer = net::send(method, url, &[], body, lang, net::JSON_TIMEOUT_MS).await?;
        if (200..300).contains(&answer.status) {
            Ok(())
        } else {
            Err(net::http_error(answer.status, &answer.body))
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, text, lang);
        Err(PlatformError::Unavailable)
    }
}

/// The phone number as the header shows it: `0905 •••678`.
#[must_use]
pub fn masked_phone(phone: &str) -> String {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 7 {
        return phone.to_owned();
    }
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[digits.len() - 3..].iter().collect();
    format!("{head} •••{tail}")
}

/// Where to go after signing in: the `next` query value when it is a path of this site, else `fallback`.
/// (An address of another site, `//host` or `/\host`, is never followed.)
#[must_use]
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n.starts_with("/\\")
            && !n.chars().any(char::is_control)
    })
    .unwrap_or(fallback)
    .to_owned()
}

/// Where a staff member starts: the password page while the password is temporary, the administration
/// page for an administrator, the queue for everyone else.
#[must_use]
pub fn staff_home(principal: &Principal) -> &'static str {
    match principal {
        Principal::Staff {
            must_change_password: true,
            ..
        } => "/can-bo/mat-khau",
        Principal::Staff {
            role: domain::api::Role::Administrator,
            ..
        } => "/quan-tri/can-bo",
        Principal::Staff { .. } => "/can-bo",
        Principal::Citizen { .. } => "/ho-so",
        Principal::Anonymous => "/dang-nhap",
    }
}

#[cfg(test)]
mod tests {
    use domain::api::Role;

    use super::*;

    #[test]
    fn the_header_hides_the_middle_of_the_phone_number() {
        assert_eq!(masked_phone("0905123678"), "0905 •••678");
        assert_eq!(masked_phone("0912 345 678"), "0912 •••678");
        assert_eq!(masked_phone("123"), "123");
    }

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/ho-so/A-1"), "/ho-so"), "/ho-so/A-1");
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad), "/ho-so"), "/ho-so", "{bad:?}");
        }
        assert_eq!(safe_next(None, "/ho-so"), "/ho-so");
    }

    #[test]
    fn staff_start_where_their_role_works() {
        let staff = |role, must_change_password| Principal::Staff {
            username: "a".into(),
            display_name: "A".into(),
            role,
            jurisdictions: vec![],
            must_change_password,
        };
        assert_eq!(
            staff_home(&staff(Role::CommuneOfficer, true)),
            "/can-bo/mat-khau"
        );
        assert_eq!(
            staff_home(&staff(Role::Administrator, false)),
            "/quan-tri/can-bo"
        );
        assert_eq!(staff_home(&staff(Role::Supervisor, false)), "/can-bo");
        assert_eq!(
            staff_home(&Principal::Citizen {
                phone: Some("0905123678".into()),
                identity: None,
            }),
            "/ho-so"
        );
    }
}
