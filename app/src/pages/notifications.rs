//! Notifications on the phone: the button that turns Web Push on for a dossier ("Nhận thông báo khi
//! hồ sơ có kết quả", on the dossier's page — permission is asked only when it is pressed).

use leptos::{prelude::*, task::spawn_local};

use crate::{
    i18n::use_lang,
    platform::push::{self, PushAsk, PushEvent},
};

/// The "notify me" button of a sent dossier.
#[component]
pub fn NotifyButton(
    /// The dossier code.
    code: String,
    /// The applicant's phone on it (the proof of the phone for the server).
    phone: String,
) -> impl IntoView {
    let lang = use_lang();
    // The server's render knows nothing of the browser: the button appears once hydrated.
    let state = RwSignal::new(None::<PushAsk>);
    Effect::new(move |_| {
        state.set(Some(PushAsk::initial(
            push::supported(),
            &push::permission(),
        )));
    });
    let press = move |_| {
        let Some(current) = state.get_untracked() else {
            return;
        };
        if !current.offered() {
            return;
        }
        state.set(Some(current.next(PushEvent::Pressed)));
        let (code, phone) = (code.clone(), phone.clone());
        spawn_local(async move {
            let event = push::subscribe(&code, &phone, lang.get_untracked()).await;
            state.update(|s| {
                if let Some(s) = s.as_mut() {
                    *s = s.next(event);
                }
            });
        });
    };
    view! {
        {move || state.get().map(|s| {
            let offered = s.offered();
            let busy = s == PushAsk::Asking;
            let alert = matches!(s, PushAsk::Failed(_) | PushAsk::Denied);
            let message = s.message(lang.get());
            let label = if s == PushAsk::Subscribed {
                lang.get().pick("Đăng ký lại thông báo", "Turn notifications on again")
            } else {
                lang.get().pick("Nhận thông báo khi hồ sơ có kết quả", "Notify me when the dossier has a result")
            };
            view! {
                <div class="notify-ask">
                    {(offered || busy).then(|| view! {
                        <button type="button" class="button-secondary" on:click=press.clone()
                            disabled=busy aria-busy=busy.then_some("true")>
                            {label}
                        </button>
                    })}
                    {message.map(|m| if alert {
                        view! { <p class="field-error" role="alert">{m}</p> }.into_any()
                    } else {
                        view! { <p class="hint" role="status">{m}</p> }.into_any()
                    })}
                </div>
            }
        })}
    }
}
