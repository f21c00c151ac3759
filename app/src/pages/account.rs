//! Signing in and out: who is signed in (shared by the header and every page that needs it), the
//! citizen's sign-in by phone and one-time code (`/dang-nhap`), the staff sign-in (`/can-bo/dang-nhap`)
//! and the staff password change (`/can-bo/mat-khau`, forced while the password is temporary).

use std::time::Duration;

use domain::{
    Lang,
    api::{MIN_PASSWORD_CHARS, Principal, SessionInfo},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    i18n::use_lang,
    platform::{PlatformError, session},
};

/// Who is signed in: `None` until the phone has asked the server (the server's render never knows).
#[derive(Debug, Clone, Copy)]
pub struct SessionState(pub RwSignal<Option<SessionInfo>>);

/// Provides [`SessionState`] and, on the phone, asks the server once.
pub fn provide_session() {
    let state = RwSignal::new(None);
    provide_context(SessionState(state));
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        spawn_local(async move {
            let lang = crate::i18n::current_lang();
            match session::current(lang).await {
                Ok(info) => {
                    state.try_set(Some(info));
                }
                // Offline or failing: the phone's stores stay the last known person's.
                Err(_) => crate::platform::owner::session_unknown(),
            }
        });
    });
}

/// The signal of [`SessionState`] (a fresh unknown one outside the app, e.g. in a component test).
#[must_use]
pub fn use_session() -> RwSignal<Option<SessionInfo>> {
    use_context::<SessionState>().map_or_else(|| RwSignal::new(None), |s| s.0)
}

/// The principal once known.
fn principal(state: RwSignal<Option<SessionInfo>>) -> Option<Principal> {
    state.with(|s| s.as_ref().map(|s| s.principal.clone()))
}

/// The message of a failed sign-in request: the server's own words, or what to do without a network.
fn failure_text(error: &PlatformError, lang: Lang) -> String {
    match error {
        PlatformError::Network(_) => lang
            .pick(
                "Không kết nối được máy chủ. Đăng nhập cần có mạng; hồ sơ nháp và hồ sơ chờ gửi vẫn được giữ trên máy. Hãy thử lại khi có sóng.",
                "Could not reach the server. Signing in needs a connection; drafts and dossiers waiting to be sent stay on this phone. Try again when you have signal.",
            )
            .to_owned(),
        other => other.message(lang),
    }
}

/// The header's account link: "Đăng nhập", the citizen's phone or the staff member's name.
#[component]
pub fn AccountLink() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let label = move || match principal(state) {
        Some(Principal::Citizen {
            identity: Some(identity),
            ..
        }) => identity.full_name,
        Some(Principal::Citizen {
            phone: Some(phone), ..
        }) => session::masked_phone(&phone),
        Some(Principal::Staff { display_name, .. }) => display_name,
        _ => lang.get().pick("Đăng nhập", "Sign in").to_owned(),
    };
    let href = move || match principal(state) {
        Some(p @ Principal::Staff { .. }) => session::staff_home(&p).to_owned(),
        _ => "/dang-nhap".to_owned(),
    };
    // What the link is, for screen readers, before the visible text (which stays the accessible name's end).
    let prefix = move || match principal(state) {
        Some(Principal::Citizen { .. }) => lang.get().pick("Đã đăng nhập: ", "Signed in: "),
        Some(Principal::Staff { .. }) => lang.get().pick("Trang làm việc: ", "Workspace: "),
        _ => "",
    };
    view! {
        <a href=href class="account-link">
            <span class="visually-hidden">{prefix}</span>
            {label}
        </a>
    }
}

/// Where signing out stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SignOut {
    /// Nothing asked.
    Idle,
    /// Sending what is pending, then signing out.
    Working,
    /// Some dossiers could not be sent (`pending`), or drafts were never submitted (`drafts`): stay
    /// signed in, or remove them.
    Unsent { pending: usize, drafts: usize },
    /// "Remove them anyway" pressed once: the second confirmation.
    ConfirmRemove { pending: usize, drafts: usize },
}

/// What would be lost by signing out now: dossiers not sent, drafts not submitted.
fn unsent_text(pending: usize, drafts: usize, lang: Lang) -> String {
    let mut parts = Vec::new();
    if pending > 0 {
        parts.push(match lang {
            Lang::Vi => format!("{pending} hồ sơ đã bấm nộp nhưng chưa gửi được lên máy chủ (không có mạng, máy chủ đang lỗi hoặc cần đăng nhập lại)"),
            Lang::En => format!("{pending} dossier(s) submitted but not yet sent to the server (no connection, server trouble, or a new sign-in needed)"),
        });
    }
    if drafts > 0 {
        parts.push(match lang {
            Lang::Vi => format!("{drafts} bản nháp chưa nộp"),
            Lang::En => format!("{drafts} draft(s) not submitted"),
        });
    }
    let list = parts.join(match lang {
        Lang::Vi => " và ",
        Lang::En => " and ",
    });
    match lang {
        Lang::Vi => format!(
            "Trên máy này còn {list}. Đăng xuất sẽ xóa toàn bộ dữ liệu của bạn khỏi máy, kể cả những hồ sơ này: chúng sẽ không được gửi."
        ),
        Lang::En => format!(
            "This device still holds {list}. Signing out removes all your data from the device, these too: they will not be sent."
        ),
    }
}

/// The "sign out" button (used on the account and staff pages). Signing out removes the person's data
/// from the device (their IndexedDB database): it first sends what waits in the outbox; what cannot be
/// sent (and drafts never submitted) is named, and the person chooses to stay signed in until it goes,
/// or to remove it anyway after a second confirmation. Nothing is lost silently.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let step = RwSignal::new(SignOut::Idle);
    let failure = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let finish = move || {
        let navigate = navigate.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let who = state.get_untracked().unwrap_or_else(|| SessionInfo {
                principal: Principal::Anonymous,
                methods: domain::api::SignInMethods::default(),
                csrf_token: None,
                expires_at: None,
                store_key: None,
            });
            match session::sign_out(l).await {
                Ok(()) => {
                    let removed = crate::platform::owner::forget(&who).await;
                    state.try_set(Some(SessionInfo {
                        principal: Principal::Anonymous,
                        methods: who.methods,
                        csrf_token: None,
                        expires_at: None,
                        store_key: None,
                    }));
                    step.try_set(SignOut::Idle);
                    match removed {
                        Ok(()) => {
                            failure.try_set(None);
                            navigate("/dang-nhap", NavigateOptions::default());
                        }
                        Err(e) => {
                            failure.try_set(Some(e.message(l)));
                        }
                    }
                }
                Err(e) => {
                    step.try_set(SignOut::Idle);
                    failure.try_set(Some(failure_text(&e, l)));
                }
            }
        });
    };
    let finish_now = finish.clone();
    let press = move |_| {
        step.set(SignOut::Working);
        failure.set(None);
        let finish = finish_now.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let pending = match crate::platform::outbox::flush().await {
                Ok(n) => n,
                Err(e) => {
                    step.try_set(SignOut::Idle);
                    failure.try_set(Some(e.message(l)));
                    return;
                }
            };
            let drafts = crate::platform::store::list_drafts()
                .await
                .map(|d| {
                    d.iter()
                        .filter(|d| d.status == crate::platform::store::DraftStatus::Editing)
                        .count()
                })
                .unwrap_or(0);
            if pending == 0 && drafts == 0 {
                finish();
            } else {
                step.try_set(SignOut::Unsent { pending, drafts });
            }
        });
    };
    let remove_anyway = finish.clone();
    view! {
        <button type="button" class="button-secondary" on:click=press
            disabled=move || step.get() != SignOut::Idle
            aria-busy=move || (step.get() == SignOut::Working).then_some("true")>
            {move || if step.get() == SignOut::Working {
                lang.get().pick("Đang gửi hồ sơ chờ gửi…", "Sending what is waiting…")
            } else {
                lang.get().pick("Đăng xuất", "Sign out")
            }}
        </button>
        {move || match step.get() {
            SignOut::Unsent { pending, drafts } => Some(view! {
                <div class="notice notice-warn sign-out-unsent" role="alert">
                    <p>{move || unsent_text(pending, drafts, lang.get())}</p>
                    <p class="dossier-actions">
                        <button type="button" class="button" on:click=move |_| {
                            step.set(SignOut::Idle);
                            crate::platform::outbox::send_now();
                        }>
                            {move || lang.get().pick("Ở lại đăng nhập cho đến khi gửi xong", "Stay signed in until they are sent")}
                        </button>
                        <button type="button" class="button-secondary button-danger" on:click=move |_| {
                            step.set(SignOut::ConfirmRemove { pending, drafts });
                        }>
                            {move || lang.get().pick("Vẫn đăng xuất và xóa", "Sign out and remove them")}
                        </button>
                    </p>
                </div>
            }.into_any()),
            SignOut::ConfirmRemove { pending, drafts } => {
                let remove = remove_anyway.clone();
                Some(view! {
                    <div class="notice notice-warn sign-out-unsent" role="alert">
                        <p><strong>{move || match lang.get() {
                            Lang::Vi => format!("Xóa hẳn {} hồ sơ chưa gửi và bản nháp khỏi máy? Không thể hoàn tác.", pending + drafts),
                            Lang::En => format!("Remove {} unsent dossier(s) and draft(s) from the device for good? This cannot be undone.", pending + drafts),
                        }}</strong></p>
                        <p class="dossier-actions">
                            <button type="button" class="button" on:click=move |_| step.set(SignOut::Idle)>
                                {move || lang.get().pick("Không, ở lại đăng nhập", "No, stay signed in")}
                            </button>
                            <button type="button" class="button-secondary button-danger" on:click=move |_| {
                                step.set(SignOut::Working);
                                remove();
                            }>
                                {move || lang.get().pick("Có, xóa và đăng xuất", "Yes, remove and sign out")}
                            </button>
                        </p>
                    </div>
                }.into_any())
            }
            _ => None,
        }}
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
}

/// Which step of the citizen's sign-in is on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
enum OtpStep {
    /// Typing the phone number.
    Phone,
    /// The code was sent to this number.
    Code(String),
}

/// `/dang-nhap`: a citizen signs in with their phone number and the code sent to it by SMS; signed in,
/// the page says as whom and offers to sign out.
#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    // Asked again here: the session may have ended since the page loaded (an outbox entry refused for
    // want of a sign-in sends the citizen here, "Đăng nhập lại để gửi").
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        spawn_local(async move {
            if let Ok(info) = session::current(crate::i18n::current_lang()).await
                && state.try_with_untracked(|s| s.as_ref() != Some(&info)) == Some(true)
            {
                // Only a change re-renders the page (a form being typed in is kept).
                state.try_set(Some(info));
            }
        });
    });
    view! {
        <h1>{move || lang.get().pick("Đăng nhập", "Sign in")}</h1>
        {move || match principal(state) {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang kiểm tra đăng nhập…", "Checking sign-in…")}</p>
            }.into_any(),
            Some(Principal::Anonymous) => view! { <CitizenSignIn /> }.into_any(),
            Some(Principal::Citizen { phone, identity }) => {
                let shown_phone = phone.as_deref().map(session::masked_phone);
                let how = {
                    let full_phone = phone.clone().unwrap_or_default();
                    let vneid = identity.is_some();
                    move || match (vneid, shown_phone.as_deref(), lang.get()) {
                        (true, Some(p), Lang::Vi) => format!("Bạn đang đăng nhập bằng tài khoản định danh điện tử VNeID; số điện thoại {p} cũng thuộc tài khoản này."),
                        (true, Some(p), Lang::En) => format!("You are signed in with your VNeID e-identity account; the phone number {p} belongs to this account too."),
                        (true, None, l) => l.pick(
                            "Bạn đang đăng nhập bằng tài khoản định danh điện tử VNeID.",
                            "You are signed in with your VNeID e-identity account.",
                        ).to_owned(),
                        (false, _, Lang::Vi) => format!("Bạn đang đăng nhập bằng số điện thoại {full_phone}."),
                        (false, _, Lang::En) => format!("You are signed in with the phone number {full_phone}."),
                    }
                };
                let by_phone = phone.is_some();
                view! {
                <p class="notice notice-ok" role="status">{how}</p>
                {identity.map(|identity| view! { <VerifiedIdentityCard identity /> })}
                <p>{move || if by_phone {
                    lang.get().pick(
                        "Các hồ sơ đã nộp với số điện thoại này, kể cả trước khi đăng nhập, hiện trong “Hồ sơ của tôi”; thông báo về hồ sơ hiện trong “Thông báo”.",
                        "Dossiers filed with this phone number, including before you signed in, show in “My dossiers”; messages about them show in “Notifications”.",
                    )
                } else {
                    lang.get().pick(
                        "Hồ sơ bạn nộp khi đã đăng nhập hiện trong “Hồ sơ của tôi”; thông báo về hồ sơ hiện trong “Thông báo”.",
                        "Dossiers you file while signed in show in “My dossiers”; messages about them show in “Notifications”.",
                    )
                }}</p>
                <p class="dossier-actions">
                    <a class="button" href="/ho-so">{move || lang.get().pick("Hồ sơ của tôi", "My dossiers")}</a>
                    <a class="button-secondary" href="/thong-bao">{move || lang.get().pick("Thông báo", "Notifications")}</a>
                </p>
                <SignOutButton />
            }.into_any()
            }
            Some(p @ Principal::Staff { .. }) => {
                let home = session::staff_home(&p);
                let Principal::Staff { display_name, .. } = p else { unreachable!() };
                view! {
                    <p class="notice notice-info" role="status">
                        {move || match lang.get() {
                            Lang::Vi => format!("Bạn đang đăng nhập với tài khoản cán bộ {display_name}."),
                            Lang::En => format!("You are signed in with the staff account of {display_name}."),
                        }}
                    </p>
                    <p class="dossier-actions">
                        <a class="button" href=home>{move || lang.get().pick("Vào trang làm việc", "Go to the workspace")}</a>
                    </p>
                    <SignOutButton />
                }.into_any()
            }
        }}
    }
    .into_any()
}

/// An identity number shown with only its first 4 and last 2 digits (`0511******45`).
#[must_use]
pub fn masked_identity_number(number: &str) -> String {
    let digits: Vec<char> = number.chars().collect();
    if digits.len() < 8 {
        return "*".repeat(digits.len());
    }
    let head: String = digits[..4].iter().collect();
    let tail: String = digits[digits.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(digits.len() - 6))
}

/// An ISO date (`YYYY-MM-DD`) as `dd/mm/yyyy`; anything else as it is.
#[must_use]
pub fn date_vn(iso: &str) -> String {
    match iso.split('-').collect::<Vec<_>>().as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => format!("{d}/{m}/{y}"),
        _ => iso.to_owned(),
    }
}

/// What went wrong with a VNeID sign-in, from the reason code the server put in `?loi=`.
#[must_use]
pub fn vneid_failure(code: &str, lang: Lang) -> Option<&'static str> {
    Some(match code {
        "chua_ho_tro" => lang.pick(
            "Máy chủ này chưa bật đăng nhập bằng VNeID. Hãy đăng nhập bằng số điện thoại bên dưới.",
            "This server does not offer VNeID sign-in yet. Sign in with your phone number below.",
        ),
        "nha_cung_cap" => lang.pick(
            "Chưa kết nối được với hệ thống định danh điện tử (VNeID) hoặc hệ thống không chấp nhận yêu cầu. Hãy thử lại sau ít phút, hoặc đăng nhập bằng số điện thoại.",
            "Could not reach the e-identity system (VNeID), or it refused the request. Try again in a few minutes, or sign in with your phone number.",
        ),
        "da_huy" => lang.pick(
            "Bạn đã huỷ đăng nhập trên VNeID. Bấm nút VNeID để thử lại khi sẵn sàng.",
            "You cancelled the sign-in at VNeID. Press the VNeID button to try again when ready.",
        ),
        "het_han" => lang.pick(
            "Lượt đăng nhập này đã hết hạn hoặc đã được dùng (mỗi lượt chỉ dùng một lần, trong 10 phút). Hãy bấm nút VNeID để đăng nhập lại.",
            "This sign-in expired or was already used (each works once, within 10 minutes). Press the VNeID button to sign in again.",
        ),
        "trinh_duyet_khac" => lang.pick(
            "Lượt đăng nhập này được bắt đầu trên trình duyệt khác. Hãy bấm nút VNeID ngay trên trình duyệt này.",
            "This sign-in was started in another browser. Press the VNeID button in this browser.",
        ),
        "khong_hop_le" => lang.pick(
            "Thông tin xác thực nhận từ VNeID không hợp lệ nên chưa đăng nhập. Hãy thử lại; nếu vẫn lỗi, hãy báo bộ phận một cửa.",
            "The authentication received from VNeID did not check out, so you are not signed in. Try again; if it persists, tell the one-stop desk.",
        ),
        "thieu_thong_tin" => lang.pick(
            "VNeID không cung cấp đủ số định danh cá nhân và họ tên. Hãy đồng ý chia sẻ các thông tin này khi đăng nhập rồi thử lại.",
            "VNeID did not provide your personal identity number and name. Agree to share them when signing in and try again.",
        ),
        "muc_dam_bao" => lang.pick(
            "Tài khoản định danh điện tử của bạn chưa đủ mức độ 2 mà dịch vụ này yêu cầu. Hãy nâng cấp tài khoản VNeID lên mức 2 (tại công an xã, phường) rồi thử lại.",
            "Your e-identity account is below level 2, which this service needs. Upgrade your VNeID account to level 2 (at the commune or ward police) and try again.",
        ),
        "trung_dinh_danh" => lang.pick(
            "Số định danh này đã gắn với một tài khoản khác trên hệ thống. Hãy liên hệ bộ phận một cửa để được hỗ trợ.",
            "This identity number is already linked to another account here. Contact the one-stop desk for help.",
        ),
        "qua_nhieu" => lang.pick(
            "Có quá nhiều lượt đăng nhập từ mạng của bạn. Hãy đợi một phút rồi thử lại.",
            "Too many sign-ins from your network. Wait a minute and try again.",
        ),
        "he_thong" => lang.pick(
            "Máy chủ gặp lỗi khi đăng nhập. Hãy thử lại sau ít phút.",
            "The server failed while signing you in. Try again in a few minutes.",
        ),
        _ => return None,
    })
}

/// The identity VNeID vouched for: name, masked identity number, birth date, address; not editable.
#[component]
fn VerifiedIdentityCard(identity: domain::api::VerifiedIdentity) -> impl IntoView {
    let lang = use_lang();
    let number = masked_identity_number(&identity.identity_number);
    let birth = identity.birth_date.as_deref().map(date_vn);
    let level = identity.assurance_level.clone();
    view! {
        <section class="verified-identity" aria-labelledby="verified-identity-title">
            <h2 id="verified-identity-title">{move || lang.get().pick("Thông tin định danh đã xác thực", "Verified identity")}</h2>
            <dl class="summary-list">
                <dt>{move || lang.get().pick("Họ và tên", "Full name")}</dt>
                <dd>{identity.full_name.clone()}</dd>
                <dt>{move || lang.get().pick("Số định danh cá nhân", "Personal identity number")}</dt>
                <dd>{number}</dd>
                {birth.map(|b| view! {
                    <dt>{move || lang.get().pick("Ngày sinh", "Date of birth")}</dt>
                    <dd>{b}</dd>
                })}
                {identity.address.clone().map(|a| view! {
                    <dt>{move || lang.get().pick("Nơi cư trú", "Address")}</dt>
                    <dd>{a}</dd>
                })}
            </dl>
            <p class="hint">{move || {
                let level = level.clone();
                match (lang.get(), level) {
                    (Lang::Vi, Some(l)) => format!("Thông tin này do tài khoản định danh điện tử VNeID (mức {l}) cung cấp và không sửa được ở đây. Nếu có sai sót, hãy cập nhật trên VNeID hoặc tại cơ quan công an."),
                    (Lang::Vi, None) => "Thông tin này do tài khoản định danh điện tử VNeID cung cấp và không sửa được ở đây. Nếu có sai sót, hãy cập nhật trên VNeID hoặc tại cơ quan công an.".to_owned(),
                    (Lang::En, Some(l)) => format!("This comes from your VNeID e-identity account (level {l}) and cannot be changed here. If something is wrong, update it in VNeID or at the police."),
                    (Lang::En, None) => "This comes from your VNeID e-identity account and cannot be changed here. If something is wrong, update it in VNeID or at the police.".to_owned(),
                }
            }}</p>
        </section>
    }
}

/// A citizen not signed in: why a VNeID sign-in failed (`?loi=`), the VNeID button first when the
/// server offers it, then the phone form.
#[component]
fn CitizenSignIn() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let query = use_query_map();
    let vneid = move || state.with(|s| s.as_ref().is_some_and(|s| s.methods.vneid));
    let failure = move || {
        query.with(|q| q.get("loi")).map(|code| {
            vneid_failure(&code, lang.get()).map_or_else(
                || lang.get().pick(
                    "Đăng nhập bằng VNeID chưa thành công. Hãy thử lại, hoặc đăng nhập bằng số điện thoại.",
                    "Signing in with VNeID did not succeed. Try again, or sign in with your phone number.",
                ).to_owned(),
                str::to_owned,
            )
        })
    };
    let start_href = move || {
        let next = query.with(|q| q.get("next"));
        let next = session::safe_next(next.as_deref(), "/ho-so");
        let encoded: String = next
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        format!("/api/v1/auth/vneid/start?next={encoded}")
    };
    view! {
        {move || failure().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        {move || vneid().then(|| view! {
            <section class="vneid-signin" aria-labelledby="vneid-title">
                <h2 id="vneid-title" class="visually-hidden">{move || lang.get().pick("Đăng nhập bằng VNeID", "Sign in with VNeID")}</h2>
                <p class="lead">{move || lang.get().pick(
                    "Cách nên dùng: đăng nhập bằng tài khoản định danh điện tử (ứng dụng VNeID). Họ tên, số định danh và ngày sinh của bạn được điền sẵn và đã được xác thực, nên hồ sơ được xử lý nhanh hơn.",
                    "Recommended: sign in with your e-identity account (the VNeID app). Your name, identity number and birth date are filled in and verified, so your dossier is handled faster.",
                )}</p>
                // A plain link (rel=external: the app's router leaves it to the browser), to the server,
                // which sends the browser on to VNeID.
                <a class="button button-vneid" rel="external" href=start_href>
                    {move || lang.get().pick(
                        "Đăng nhập bằng tài khoản định danh điện tử VNeID",
                        "Sign in with your VNeID e-identity account",
                    )}
                </a>
            </section>
            <h2 class="signin-divider">{move || lang.get().pick("hoặc đăng nhập bằng số điện thoại", "or sign in with your phone number")}</h2>
        })}
        <OtpForm />
    }
}

/// The two steps of the citizen's sign-in.
#[component]
fn OtpForm() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let step = RwSignal::new(OtpStep::Phone);
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let phone_error = RwSignal::new(None::<String>);
    let code_error = RwSignal::new(None::<String>);
    let wait = RwSignal::new(0_u32);
    let expires_minutes = RwSignal::new(5_u32);

    let count_down = move |seconds: u32| {
        wait.set(seconds);
        let handle = StoredValue::new(None::<IntervalHandle>);
        let tick = move || {
            let left = wait.try_get_untracked().unwrap_or(0).saturating_sub(1);
            // `try_set` hands the value back when the page is gone: stop then too.
            if (wait.try_set(left).is_some() || left == 0)
                && let Some(h) = handle.try_get_value().flatten()
            {
                h.clear();
            }
        };
        if let Ok(h) = set_interval_with_handle(tick, Duration::from_secs(1)) {
            handle.set_value(Some(h));
        }
    };

    let send_code = move || {
        let number = phone.get_untracked();
        if number.trim().is_empty() {
            phone_error.set(Some(
                lang.get_untracked()
                    .pick(
                        "Nhập số điện thoại di động của bạn, ví dụ 0905 123 456.",
                        "Enter your mobile number, e.g. 0905 123 456.",
                    )
                    .to_owned(),
            ));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match session::request_code(&number, l).await {
                Ok(sent) => {
                    phone_error.try_set(None);
                    code_error.try_set(None);
                    code.try_set(String::new());
                    expires_minutes.try_set(sent.expires_in_seconds.div_ceil(60).max(1));
                    step.try_set(OtpStep::Code(number));
                    count_down(sent.resend_after_seconds);
                }
                Err(e) => {
                    let text = failure_text(&e, l);
                    if matches!(step.get_untracked(), OtpStep::Code(_)) {
                        code_error.try_set(Some(text));
                    } else {
                        phone_error.try_set(Some(text));
                    }
                }
            }
            busy.try_set(false);
        });
    };

    let verify = move || {
        let OtpStep::Code(number) = step.get_untracked() else {
            return;
        };
        let Some(typed) = domain::accounts::parse_one_time_code(&code.get_untracked()) else {
            code_error.set(Some(
                lang.get_untracked()
                    .pick(
                        "Nhập đúng 6 chữ số của mã trong tin nhắn.",
                        "Enter the 6 digits of the code in the text message.",
                    )
                    .to_owned(),
            ));
            return;
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match session::verify_code(&number, &typed, l).await {
                Ok(info) => {
                    let next = query.with_untracked(|q| q.get("next"));
                    state.try_set(Some(info));
                    navigate(
                        &session::safe_next(next.as_deref(), "/ho-so"),
                        NavigateOptions::default(),
                    );
                }
                Err(e) => {
                    code_error.try_set(Some(failure_text(&e, l)));
                }
            }
            busy.try_set(false);
        });
    };

    let phone_step = move || {
        view! {
            <p class="lead">{move || lang.get().pick(
                "Đăng nhập bằng số điện thoại để xem mọi hồ sơ đã nộp với số này và nhận thông báo khi hồ sơ có kết quả. Không cần mật khẩu: chúng tôi gửi mã xác thực qua tin nhắn.",
                "Sign in with your phone number to see every dossier filed with it and be told when a dossier has a result. No password: we text you a code.",
            )}</p>
            <form class="lookup-form" novalidate on:submit=move |ev| { ev.prevent_default(); send_code(); }>
                <div class="field" class:field-invalid=move || phone_error.with(Option::is_some)>
                    <label for="signin-phone">{move || lang.get().pick("Số điện thoại di động", "Mobile number")}</label>
                    <p class="hint" id="signin-phone-hint">{move || lang.get().pick(
                        "Dùng số bạn đã khai khi nộp hồ sơ. Mã gồm 6 chữ số, có hiệu lực 5 phút.",
                        "Use the number you gave when filing. The code has 6 digits and works for 5 minutes.",
                    )}</p>
                    {move || phone_error.get().map(|m| view! { <p class="field-error" id="signin-phone-err" role="alert">{m}</p> })}
                    <input id="signin-phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" required
                        aria-describedby=move || if phone_error.with(Option::is_some) { "signin-phone-hint signin-phone-err" } else { "signin-phone-hint" }
                        aria-invalid=move || if phone_error.with(Option::is_some) { "true" } else { "false" }
                        prop:value=move || phone.get()
                        on:input=move |ev| phone.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button-primary" disabled=busy aria-busy=move || busy.get().then_some("true")>
                    {move || if busy.get() { lang.get().pick("Đang gửi mã…", "Sending the code…") } else { lang.get().pick("Gửi mã xác thực", "Send the code") }}
                </button>
            </form>
        }
    };

    let code_step = move |number: String| {
        let shown = session::masked_phone(&number);
        let verify = verify.clone();
        view! {
            <p class="notice notice-info" role="status">{move || match lang.get() {
                Lang::Vi => format!("Đã gửi mã xác thực đến số {shown}. Mã có hiệu lực {} phút.", expires_minutes.get()),
                Lang::En => format!("A code was sent to {shown}. It works for {} minutes.", expires_minutes.get()),
            }}</p>
            <form class="lookup-form" novalidate on:submit=move |ev| { ev.prevent_default(); verify(); }>
                <div class="field" class:field-invalid=move || code_error.with(Option::is_some)>
                    <label for="signin-code">{move || lang.get().pick("Mã xác thực (6 chữ số)", "Code (6 digits)")}</label>
                    {move || code_error.get().map(|m| view! { <p class="field-error" id="signin-code-err" role="alert">{m}</p> })}
                    <input id="signin-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code"
                        class="input-code" maxlength="9" required autofocus
                        aria-describedby=move || code_error.with(Option::is_some).then_some("signin-code-err")
                        aria-invalid=move || if code_error.with(Option::is_some) { "true" } else { "false" }
                        prop:value=move || code.get()
                        on:input=move |ev| code.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button-primary" disabled=busy aria-busy=move || busy.get().then_some("true")>
                    {move || if busy.get() { lang.get().pick("Đang kiểm tra…", "Checking…") } else { lang.get().pick("Đăng nhập", "Sign in") }}
                </button>
            </form>
            <div class="form-nav">
                <button type="button" class="button-secondary" disabled=move || { busy.get() || wait.get() > 0 }
                    on:click=move |_| send_code()>
                    {move || match (wait.get(), lang.get()) {
                        (0, l) => l.pick("Gửi lại mã", "Resend code").to_owned(),
                        (n, Lang::Vi) => format!("Gửi lại mã sau {n} giây"),
                        (n, Lang::En) => format!("Resend code in {n} s"),
                    }}
                </button>
                <button type="button" class="button-link" on:click=move |_| {
                    step.set(OtpStep::Phone);
                    code_error.set(None);
                }>
                    {move || lang.get().pick("Đổi số điện thoại", "Use another number")}
                </button>
            </div>
        }
    };

    view! {
        {move || match step.get() {
            OtpStep::Phone => phone_step().into_any(),
            OtpStep::Code(number) => code_step(number).into_any(),
        }}
        <p class="hint">
            {move || lang.get().pick("Bạn là cán bộ? ", "Staff member? ")}
            <a href="/can-bo/dang-nhap">{move || lang.get().pick("Đăng nhập tài khoản cán bộ", "Staff sign-in")}</a>
        </p>
    }
    .into_any()
}

/// `/can-bo/dang-nhap`: a staff member signs in with login name and password.
#[component]
pub fn StaffSignInPage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);

    let submit = move || {
        let (name, pass) = (username.get_untracked(), password.get_untracked());
        if name.trim().is_empty() || pass.is_empty() {
            failure.set(Some(
                lang.get_untracked()
                    .pick(
                        "Nhập tên đăng nhập và mật khẩu do quản trị viên cấp.",
                        "Enter the login name and password your administrator gave you.",
                    )
                    .to_owned(),
            ));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match session::staff_sign_in(&name, &pass, l).await {
                Ok(info) => {
                    password.try_set(String::new());
                    let home = session::staff_home(&info.principal);
                    let next = query.with_untracked(|q| q.get("next"));
                    let target = if home == "/can-bo/mat-khau" {
                        home.to_owned()
                    } else {
                        session::safe_next(next.as_deref(), home)
                    };
                    state.try_set(Some(info));
                    navigate(&target, NavigateOptions::default());
                }
                Err(e) => {
                    failure.try_set(Some(failure_text(&e, l)));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <h1>{move || lang.get().pick("Đăng nhập cán bộ", "Staff sign-in")}</h1>
        <p class="lead">{move || lang.get().pick(
            "Dành cho cán bộ tiếp nhận, giải quyết hồ sơ và quản trị viên. Người dân đăng nhập bằng số điện thoại.",
            "For staff who receive and decide dossiers, and administrators. Citizens sign in with their phone number.",
        )}</p>
        {move || failure.get().map(|m| view! { <p class="notice notice-error" id="staff-signin-err" role="alert">{m}</p> })}
        <form class="lookup-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <div class="field">
                <label for="staff-username">{move || lang.get().pick("Tên đăng nhập", "Login name")}</label>
                <input id="staff-username" name="username" type="text" autocomplete="username" autocapitalize="none"
                    spellcheck="false" required
                    aria-describedby=move || failure.with(Option::is_some).then_some("staff-signin-err")
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="staff-password">{move || lang.get().pick("Mật khẩu", "Password")}</label>
                <input id="staff-password" name="password" type="password" autocomplete="current-password" required
                    aria-describedby=move || failure.with(Option::is_some).then_some("staff-signin-err")
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev)) />
            </div>
            <button type="submit" class="button-primary" disabled=busy aria-busy=move || busy.get().then_some("true")>
                {move || if busy.get() { lang.get().pick("Đang đăng nhập…", "Signing in…") } else { lang.get().pick("Đăng nhập", "Sign in") }}
            </button>
        </form>
        <p class="hint">{move || lang.get().pick(
            "Quên mật khẩu? Hãy nhờ quản trị viên cấp lại mật khẩu tạm thời.",
            "Forgot your password? Ask your administrator for a new temporary one.",
        )}</p>
    }
    .into_any()
}

/// What is wrong with a new password before the server is asked (the server checks the same).
fn new_password_problem(
    username: &str,
    new: &str,
    again: &str,
    current: &str,
    lang: Lang,
) -> Option<String> {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        return Some(match lang {
            Lang::Vi => format!("Mật khẩu mới cần ít nhất {MIN_PASSWORD_CHARS} ký tự."),
            Lang::En => format!("The new password needs at least {MIN_PASSWORD_CHARS} characters."),
        });
    }
    if new.eq_ignore_ascii_case(username) {
        return Some(
            lang.pick(
                "Mật khẩu mới không được trùng tên đăng nhập.",
                "The new password must not be the login name.",
            )
            .to_owned(),
        );
    }
    if new == current {
        return Some(
            lang.pick(
                "Mật khẩu mới phải khác mật khẩu hiện tại.",
                "The new password must differ from the current one.",
            )
            .to_owned(),
        );
    }
    if new != again {
        return Some(
            lang.pick(
                "Hai lần nhập mật khẩu mới không giống nhau. Hãy nhập lại.",
                "The two entries of the new password differ. Type them again.",
            )
            .to_owned(),
        );
    }
    None
}

/// `/can-bo/mat-khau`: a staff member changes their password (required before anything else while it
/// is the temporary one the administrator gave).
#[component]
pub fn PasswordPage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let navigate = use_navigate();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);

    let submit = move || {
        let Some(Principal::Staff { username, .. }) = principal(state) else {
            return;
        };
        let (c, n, a) = (
            current.get_untracked(),
            new.get_untracked(),
            again.get_untracked(),
        );
        if c.is_empty() {
            failure.set(Some(
                lang.get_untracked()
                    .pick(
                        "Nhập mật khẩu hiện tại (mật khẩu tạm thời nếu bạn mới được cấp tài khoản).",
                        "Enter your current password (the temporary one if your account is new).",
                    )
                    .to_owned(),
            ));
            return;
        }
        if let Some(problem) = new_password_problem(&username, &n, &a, &c, lang.get_untracked()) {
            failure.set(Some(problem));
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match session::change_password(&c, &n, l).await {
                Ok(()) => {
                    for s in [current, new, again] {
                        s.try_set(String::new());
                    }
                    failure.try_set(None);
                    if let Ok(info) = session::current(l).await {
                        let home = session::staff_home(&info.principal);
                        state.try_set(Some(info));
                        navigate(home, NavigateOptions::default());
                    }
                }
                Err(e) => {
                    failure.try_set(Some(failure_text(&e, l)));
                }
            }
            busy.try_set(false);
        });
    };

    let field = move |id: &'static str,
                      label: (&'static str, &'static str),
                      complete: &'static str,
                      value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{move || lang.get().pick(label.0, label.1)}</label>
                <input id=id type="password" autocomplete=complete required
                    aria-describedby=move || failure.with(Option::is_some).then_some("password-err")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };

    view! {
        <h1>{move || lang.get().pick("Đổi mật khẩu", "Change password")}</h1>
        {move || match principal(state) {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang kiểm tra đăng nhập…", "Checking sign-in…")}</p>
            }.into_any(),
            Some(Principal::Staff { must_change_password, .. }) => {
                let submit = submit.clone();
                view! {
                {must_change_password.then(|| view! {
                    <p class="notice notice-warn" role="status">{move || lang.get().pick(
                        "Bạn đang dùng mật khẩu tạm thời. Hãy đặt mật khẩu của riêng bạn trước khi làm việc.",
                        "You are using a temporary password. Set your own before you start working.",
                    )}</p>
                })}
                {move || failure.get().map(|m| view! { <p class="notice notice-error" id="password-err" role="alert">{m}</p> })}
                <form class="lookup-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    {field("password-current", ("Mật khẩu hiện tại", "Current password"), "current-password", current)}
                    <p class="hint">{move || match lang.get() {
                        Lang::Vi => format!("Mật khẩu mới: ít nhất {MIN_PASSWORD_CHARS} ký tự, không trùng tên đăng nhập. Nên dùng một câu dễ nhớ với người khác khó đoán."),
                        Lang::En => format!("New password: at least {MIN_PASSWORD_CHARS} characters, not the login name. A phrase easy for you and hard for others works well."),
                    }}</p>
                    {field("password-new", ("Mật khẩu mới", "New password"), "new-password", new)}
                    {field("password-again", ("Nhập lại mật khẩu mới", "New password again"), "new-password", again)}
                    <button type="submit" class="button-primary" disabled=busy aria-busy=move || busy.get().then_some("true")>
                        {move || lang.get().pick("Đổi mật khẩu", "Change password")}
                    </button>
                </form>
            }.into_any()
            }
            Some(_) => view! {
                <p class="notice notice-info" role="status">
                    {move || lang.get().pick("Trang này dành cho cán bộ đã đăng nhập. ", "This page is for signed-in staff. ")}
                    <a href="/can-bo/dang-nhap?next=/can-bo/mat-khau">{move || lang.get().pick("Đăng nhập cán bộ", "Staff sign-in")}</a>
                </p>
            }.into_any(),
        }}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_is_checked_before_it_is_sent() {
        let l = Lang::Vi;
        assert!(
            new_password_problem("can.bo", "ngắn", "ngắn", "cũ", l)
                .is_some_and(|m| m.contains("ít nhất 10"))
        );
        assert!(
            new_password_problem("can.bo.xa01", "CAN.BO.XA01", "CAN.BO.XA01", "x", l)
                .is_some_and(|m| m.contains("tên đăng nhập"))
        );
        assert!(
            new_password_problem("a", "mật khẩu dài", "mật khẩu dài", "mật khẩu dài", l)
                .is_some_and(|m| m.contains("khác"))
        );
        assert!(
            new_password_problem("a", "mật khẩu dài", "mật khẩu dai", "x", l)
                .is_some_and(|m| m.contains("không giống"))
        );
        assert_eq!(
            new_password_problem("a", "mật khẩu dài", "mật khẩu dài", "x", l),
            None
        );
    }

    #[test]
    fn a_verified_identity_is_shown_masked_and_dated_the_vietnamese_way() {
        assert_eq!(masked_identity_number("051190000145"), "0511******45");
        assert_eq!(masked_identity_number("123"), "***");
        assert_eq!(date_vn("1990-05-17"), "17/05/1990");
        assert_eq!(date_vn("17/05/1990"), "17/05/1990");
    }

    #[test]
    fn every_vneid_failure_code_is_explained_in_both_languages() {
        for code in [
            "chua_ho_tro",
            "nha_cung_cap",
            "da_huy",
            "het_han",
            "trinh_duyet_khac",
            "khong_hop_le",
            "thieu_thong_tin",
            "muc_dam_bao",
            "trung_dinh_danh",
            "qua_nhieu",
            "he_thong",
        ] {
            let vi = vneid_failure(code, Lang::Vi).expect(code);
            let en = vneid_failure(code, Lang::En).expect(code);
            assert_ne!(vi, en, "{code}");
        }
        assert_eq!(vneid_failure("<script>", Lang::Vi), None);
    }
}
