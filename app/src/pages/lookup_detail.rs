//! `/tra-cuu/{code}/chi-tiet` — "Xem chi tiết": whoever holds the phone on a dossier opens the whole
//! dossier on any device, without an account: a code is texted to that phone
//! (`POST /api/v1/dossiers/{code}/access`), and the code typed back
//! (`…/access/verify`) gives this browser an hour's access to this dossier only (an HttpOnly cookie the
//! server set). The status, receipt and documents then come from the ordinary routes.

use domain::api::{DossierAccessGranted, DossierAccessVerify, DossierStatus, OtpSent};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use crate::{i18n::use_lang, platform};

use super::lookup::DossierResult;

/// Where the page is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Nothing sent yet.
    Ask,
    /// A code was texted; waiting for it.
    Code,
    /// Opened: the whole status.
    Open(Box<DossierStatus>),
}

/// The page.
#[component]
pub fn LookupDetailPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let step = RwSignal::new(Step::Ask);
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    // How long the texted code works, in minutes.
    let minutes = RwSignal::new(5_u32);
    let api = move |tail: &str| {
        format!(
            "{}/dossiers/{}{tail}",
            platform::net::API,
            platform::net::encode_component(&code())
        )
    };
    let send_code = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let url = api("/access");
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match platform::net::post_json::<_, OtpSent>(&url, &serde_json::json!({}), &[], l).await
            {
                Ok(sent) => {
                    minutes.set(sent.expires_in_seconds.div_ceil(60));
                    step.set(Step::Code);
                    // The button pressed is gone: the focus goes to where the code is typed.
                    crate::pages::form::focus_later(Some("access-code".to_owned()));
                }
                Err(e) => error.set(Some(e.message(l))),
            }
            busy.set(false);
        });
    };
    let open = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        let (verify, status) = (api("/access/verify"), api(""));
        let body = DossierAccessVerify {
            code: typed.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let opened = async {
                platform::net::post_json::<_, DossierAccessGranted>(&verify, &body, &[], l).await?;
                platform::net::get_json::<DossierStatus>(&status, l).await
            }
            .await;
            match opened {
                Ok(s) => {
                    step.set(Step::Open(Box::new(s)));
                    // The form is gone: the focus goes to the dossier just opened.
                    crate::pages::form::focus_later(Some("result-title".to_owned()));
                }
                Err(e) => error.set(Some(e.message(l))),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{move || lang.get().pick("Xem chi tiết hồ sơ", "Dossier details")}" "{code}</h1>
        {move || error.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        {move || match step.get() {
            Step::Ask => view! {
                <p class="lead">
                    {move || lang.get().pick(
                        "Chi tiết hồ sơ chỉ dành cho người nộp. Chúng tôi sẽ gửi mã xác nhận đến số điện thoại đã khai trong hồ sơ; nhập mã đó để xem hồ sơ trên máy này trong một giờ.",
                        "A dossier's details are for the person who filed it. We text a confirmation code to the phone number given in the dossier; type it to see the dossier on this device for an hour.",
                    )}
                </p>
                <form class="lookup-form" on:submit=send_code>
                    <button type="submit" class="button-primary" prop:disabled=move || busy.get()>
                        {move || lang.get().pick("Gửi mã đến số điện thoại của hồ sơ", "Text a code to the dossier's phone")}
                    </button>
                </form>
            }
            .into_any(),
            Step::Code => view! {
                <form class="lookup-form" on:submit=open>
                    <label for="access-code">
                        {move || lang.get().pick("Mã xác nhận (6 chữ số) trong tin nhắn", "The 6-digit code in the text message")}
                    </label>
                    <p id="access-code-hint" class="hint">
                        {move || match lang.get() {
                            domain::Lang::Vi => format!("Đã gửi mã đến số điện thoại khai trong hồ sơ. Mã dùng được trong {} phút.", minutes.get()),
                            domain::Lang::En => format!("A code was texted to the phone number given in the dossier. It works for {} minutes.", minutes.get()),
                        }}
                    </p>
                    <input
                        id="access-code"
                        aria-describedby="access-code-hint"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        maxlength="6"
                        required
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <button type="submit" class="button-primary" prop:disabled=move || busy.get()>
                        {move || lang.get().pick("Xem hồ sơ", "See the dossier")}
                    </button>
                </form>
            }
            .into_any(),
            Step::Open(status) => view! { <DossierResult status=*status /> }.into_any(),
        }}
    }
}
