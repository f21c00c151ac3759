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

/// The number of unread messages, shared by the header's badge and the inbox page (`None`: unknown,
/// e.g. nobody signed in).
#[derive(Debug, Clone, Copy)]
pub struct Unread(pub RwSignal<Option<usize>>);

/// Provides [`Unread`] and, on the phone, reads the inbox once a citizen is known to be signed in.
pub fn provide_unread() {
    let unread = RwSignal::new(None);
    provide_context(Unread(unread));
    #[cfg(feature = "hydrate")]
    {
        let session = super::account::use_session();
        Effect::new(move |_| {
            let citizen = session.with(|s| {
                s.as_ref()
                    .is_some_and(|s| matches!(s.principal, domain::api::Principal::Citizen { .. }))
            });
            if !citizen {
                unread.try_set(None);
                return;
            }
            spawn_local(async move {
                let lang = crate::i18n::current_lang();
                if let Ok(count) = crate::platform::inbox::unread_count(lang).await {
                    unread.try_set(Some(count));
                }
            });
        });
    }
}

/// The header's link to the inbox, with the unread count.
#[component]
pub fn InboxLink() -> impl IntoView {
    let lang = use_lang();
    let unread = use_context::<Unread>().map(|u| u.0);
    let count = move || unread.and_then(|u| u.get()).filter(|n| *n > 0);
    view! {
        // The accessible name is the visible text ("Thông báo") followed by the count in words, so it
        // contains what a speech user reads on screen (WCAG 2.5.3, axe label-content-name-mismatch).
        <a href="/thong-bao">
            {move || lang.get().pick("Thông báo", "Notifications")}
            {move || count().map(|n| view! {
                <span class="badge" aria-hidden="true">{n}</span>
                <span class="visually-hidden">{match lang.get() {
                    domain::Lang::Vi => format!(", {n} chưa đọc"),
                    domain::Lang::En => format!(", {n} unread"),
                }}</span>
            })}
        </a>
    }
}

/// `/thong-bao`: the signed-in citizen's messages, newest first; opening one marks it read.
#[component]
pub fn InboxPage() -> impl IntoView {
    use crate::platform::inbox;
    use domain::api::InboxItem;

    let lang = use_lang();
    let unread = use_context::<Unread>().map(|u| u.0);
    let items: RwSignal<Option<Result<Vec<InboxItem>, String>>> = RwSignal::new(None);
    let signed_out = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match inbox::list(l).await {
                Ok(list) => {
                    if let Some(u) = unread {
                        u.try_set(Some(inbox::unread(&list)));
                    }
                    items.try_set(Some(Ok(list)));
                }
                Err(e) if inbox::is_signed_out(&e) => {
                    signed_out.try_set(true);
                    items.try_set(Some(Ok(Vec::new())));
                }
                Err(e) => {
                    items.try_set(Some(Err(e.message(l))));
                }
            }
        });
    };
    Effect::new(move |_| load());
    let mark = move |id: Option<i64>| {
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match inbox::mark_read(id, l).await {
                Ok(()) => {
                    failure.try_set(None);
                    load();
                }
                Err(e) => {
                    failure.try_set(Some(e.message(l)));
                }
            }
        });
    };
    view! {
        <h1>{move || lang.get().pick("Thông báo", "Notifications")}</h1>
        {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        {move || match items.get() {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang tải thông báo…", "Loading notifications…")}</p>
            }.into_any(),
            Some(Err(m)) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
            Some(Ok(_)) if signed_out.get() => view! {
                <p class="lead">{move || lang.get().pick(
                    "Hộp thư thông báo dành cho người đã đăng nhập bằng số điện thoại. Bạn vẫn xem được tình trạng từng hồ sơ trong “Hồ sơ của tôi” hoặc tra cứu bằng mã hồ sơ và số điện thoại.",
                    "The inbox is for people signed in with their phone number. You can still see each dossier's status in “My dossiers” or look it up with its code and phone number.",
                )}</p>
                <p><a href="/ho-so">{move || lang.get().pick("Hồ sơ của tôi", "My dossiers")}</a>" · "<a href="/tra-cuu">{move || lang.get().pick("Tra cứu hồ sơ", "Find a dossier")}</a></p>
            }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! {
                <p>{move || lang.get().pick(
                    "Chưa có thông báo nào. Khi hồ sơ của bạn thay đổi tình trạng, thông báo sẽ hiện ở đây.",
                    "No notifications yet. When a dossier of yours changes status, it shows here.",
                )}</p>
            }.into_any(),
            Some(Ok(list)) => {
                let any_unread = list.iter().any(|i| !i.read);
                view! {
                    {any_unread.then(|| view! {
                        <button type="button" class="button-secondary button-small" on:click=move |_| mark(None)>
                            {move || lang.get().pick("Đánh dấu đã đọc tất cả", "Mark all as read")}
                        </button>
                    })}
                    <ul class="inbox-list">
                        {list.into_iter().map(|item| {
                            let id = item.id;
                            let read = item.read;
                            let href = format!("/ho-so/{}", item.code);
                            let when = super::lookup::vietnamese_time(&item.at);
                            view! {
                                <li class=if read { "inbox-item" } else { "inbox-item inbox-unread" }>
                                    <p class="inbox-title">
                                        {(!read).then(|| view! { <span class="badge">{move || lang.get().pick("Mới", "New")}</span>" " })}
                                        <a href=href on:click=move |_| if !read { mark(Some(id)) }>{item.title.clone()}</a>
                                    </p>
                                    <p>{item.body.clone()}</p>
                                    <p class="dossier-meta">{when}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
        }}
    }
}
