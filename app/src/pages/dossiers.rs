//! "Hồ sơ của tôi" (`/ho-so`): the drafts on this phone, what waits to be sent, and what was sent with
//! its status; and one dossier (`/ho-so/{id}`, or `/ho-so/{code}` from a notification): its place in the outbox, its receipt (kept offline) and
//! its timeline (fetched when online, the last copy shown when not).

use domain::{Lang, api::DossierStatus};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};

use super::lookup::{DossierResult, vietnamese_date, vietnamese_time};
use crate::{
    i18n::use_lang,
    pages::form::{CHECK, confirm},
    platform::{
        self,
        outbox::{self, OutboxEntry, OutboxState},
        store::{self, DraftStatus, SavedDraft},
    },
};

/// `HH:MM dd/mm/yyyy` in Vietnam time of an RFC 3339 UTC time written by the phone.
pub(crate) fn local_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_owned(),
        |t| {
            let vn = t.with_timezone(
                &chrono::FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| t.timezone()),
            );
            vietnamese_time(&vn.to_rfc3339())
        },
    )
}

/// The sign-in page that comes back to `next` (a path of this app): the staff's on a store of an
/// officer, the citizen's otherwise.
#[must_use]
pub fn sign_in_href(next: &str) -> String {
    let page = if platform::owner::last_known().kind == platform::owner::OwnerKind::Staff {
        "/can-bo/dang-nhap"
    } else {
        "/dang-nhap"
    };
    format!("{page}?next={}", platform::net::encode_component(next))
}

/// "Đăng nhập lại để gửi": what an entry waiting for a sign-in shows, with the link.
#[component]
pub fn SignInToSend(
    /// Where to come back after signing in.
    next: String,
) -> impl IntoView {
    let lang = use_lang();
    let href = move || sign_in_href(&next);
    view! {
        <div class="notice notice-warn sign-in-to-send" role="status">
            <h2>{move || lang.get().pick("Đăng nhập lại để gửi", "Sign in again to send")}</h2>
            <p>{move || lang.get().pick(
                "Hồ sơ vẫn được giữ trên máy nhưng chưa gửi: máy chủ cần biết ai nộp (chưa đăng nhập, hoặc phiên đăng nhập đã hết hạn). Đăng nhập xong, hồ sơ tự gửi đúng một lần.",
                "The dossier is kept on this device but not sent: the server needs to know who files it (nobody is signed in, or the session ended). Once you sign in, it is sent exactly once.",
            )}</p>
            <a class="button" href=href>{move || lang.get().pick("Đăng nhập lại để gửi", "Sign in again to send")}</a>
        </div>
    }
}

/// The drafts and entries of this phone, re-read whenever the outbox changes.
/// The phone's drafts and outbox entries, or why they could not be read.
type Records = Option<
    Result<
        (
            Vec<SavedDraft>,
            Vec<OutboxEntry>,
            Vec<store::CounterReceipt>,
        ),
        String,
    >,
>;

fn phone_records() -> (RwSignal<Records>, impl Fn() + Copy) {
    let records = RwSignal::new(None);
    let reload = move || {
        spawn_local(async move {
            let lang = crate::i18n::current_lang();
            let result = match (
                store::list_drafts().await,
                outbox::list().await,
                store::list_counter().await,
            ) {
                (Ok(d), Ok(o), Ok(c)) => Ok((d, o, c)),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => Err(e.message(lang)),
            };
            records.try_set(Some(result));
        });
    };
    let changes = outbox::changes();
    Effect::new(move |_| {
        changes.track();
        reload();
    });
    (records, reload)
}

/// `/ho-so`.
#[component]
pub fn MyDossiers() -> impl IntoView {
    let lang = use_lang();
    let (records, reload) = phone_records();
    view! {
        <h1>{move || lang.get().pick("Hồ sơ của tôi", "My dossiers")}</h1>
        <p class="lead">
            {move || lang.get().pick(
                "Hồ sơ được lưu trên máy này. Hồ sơ đã nộp có thể tra cứu ở bất kỳ đâu bằng mã hồ sơ và số điện thoại.",
                "Dossiers are kept on this phone. A submitted dossier can be looked up anywhere with its code and phone number.",
            )}
            " "
            <A href="/tra-cuu">{move || lang.get().pick("Tra cứu hồ sơ", "Find a dossier")}</A>
        </p>
        {move || match records.get() {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang đọc hồ sơ trên máy…", "Reading this phone's dossiers…")}</p>
            }
            .into_any(),
            Some(Err(m)) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
            Some(Ok((drafts, entries, counter))) => view! {
                {lists(lang, drafts, &entries, reload)}
                {counter_list(lang, counter)}
            }
            .into_any(),
        }}
        <h2>{move || lang.get().pick("Nộp hồ sơ mới", "Start a new dossier")}</h2>
        <ul class="procedure-links">
            {domain::Procedure::ALL
                .iter()
                .map(|p| {
                    let p = *p;
                    view! { <li><A href=format!("/nop/{}", p.slug())>{move || p.name(lang.get())}</A></li> }
                })
                .collect_view()}
        </ul>
    }
}

fn lists(
    lang: Signal<Lang>,
    drafts: Vec<SavedDraft>,
    entries: &[OutboxEntry],
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let editing: Vec<SavedDraft> = drafts
        .iter()
        .filter(|d| d.status == DraftStatus::Editing)
        .cloned()
        .collect();
    let sent: Vec<(SavedDraft, Option<OutboxEntry>)> = drafts
        .into_iter()
        .filter(|d| d.status != DraftStatus::Editing)
        .map(|d| {
            let e = entries.iter().find(|e| e.draft_id == d.id()).cloned();
            (d, e)
        })
        .collect();
    // A draft the server refused is back in the drafts to be fixed: its card says so, with the reason.
    let refused: Vec<String> = entries
        .iter()
        .filter(|e| matches!(e.state, OutboxState::Rejected { .. }))
        .map(|e| e.draft_id.clone())
        .collect();
    let no_drafts = editing.is_empty();
    let no_sent = sent.is_empty();
    view! {
        <section aria-labelledby="drafts-title">
            <h2 id="drafts-title">{move || lang.get().pick("Bản nháp", "Drafts")}</h2>
            {no_drafts.then(|| view! { <p>{move || lang.get().pick("Chưa có bản nháp nào.", "No drafts yet.")}</p> })}
            <ul class="dossier-list">
                {editing
                    .into_iter()
                    .map(|d| {
                        let id = d.id().to_owned();
                        let procedure = d.draft.procedure;
                        let first = crate::forms::FormSpec::of(procedure).steps[0].slug;
                        let title = d.title(lang.get_untracked());
                        let when = local_time(&d.draft.updated_at);
                        let title2 = title.clone();
                        let remove = move |_| {
                            let l = lang.get_untracked();
                            let q = match l {
                                Lang::Vi => format!("Xóa bản nháp \"{title2}\"? Thông tin và ảnh đã lưu trên máy sẽ mất."),
                                Lang::En => format!("Delete the draft \"{title2}\"? Its details and photos on this phone will be lost."),
                            };
                            if confirm(&q) {
                                let id = id.clone();
                                spawn_local(async move {
                                    let _ = store::delete_draft(&id).await;
                                    reload();
                                });
                            }
                        };
                        let open = format!("/soan/{}/{first}", d.id());
                        let check = format!("/soan/{}/{CHECK}", d.id());
                        let why = refused.iter().any(|r| r == d.id()).then(|| {
                            let reason = format!("/ho-so/{}", d.id());
                            let of = format!(" ({title})");
                            view! {
                                <p class="dossier-state dossier-refused">
                                    {move || lang.get().pick("Bị trả lại: cần sửa", "Returned: needs fixing")}
                                    " · "
                                    <A href=reason>{move || lang.get().pick("Xem lý do", "See why")}<span class="visually-hidden">{of}</span></A>
                                </p>
                            }
                        });
                        view! {
                            <li class="dossier-card">
                                <p class="dossier-title">{title.clone()}</p>
                                <p class="dossier-meta">
                                    {move || procedure.name(lang.get())}
                                    " · "
                                    {move || lang.get().pick("Sửa lần cuối ", "Last edited ")}
                                    {when.clone()}
                                </p>
                                {why}
                                <div class="dossier-actions">
                                    <A href=open attr:class="button button-small">{move || lang.get().pick("Tiếp tục điền", "Continue")}</A>
                                    <A href=check attr:class="button-secondary button-small">{move || lang.get().pick("Kiểm tra và nộp", "Check and submit")}</A>
                                    <button type="button" class="button-secondary button-small button-danger" on:click=remove>
                                        {move || lang.get().pick("Xóa", "Delete")}
                                        <span class="visually-hidden">{format!(" {title}")}</span>
                                    </button>
                                </div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <section aria-labelledby="sent-title">
            <h2 id="sent-title">{move || lang.get().pick("Đã nộp", "Submitted")}</h2>
            {no_sent.then(|| view! { <p>{move || lang.get().pick("Chưa nộp hồ sơ nào từ máy này.", "Nothing submitted from this phone yet.")}</p> })}
            <ul class="dossier-list">
                {sent
                    .into_iter()
                    .map(|(d, e)| {
                        let href = format!("/ho-so/{}", d.id());
                        let title = d.title(lang.get_untracked());
                        let procedure = d.draft.procedure;
                        let state = e.as_ref().map(|e| e.state.clone());
                        let sign_in = (state == Some(OutboxState::SignInNeeded)).then(|| {
                            let to = sign_in_href(&href);
                            view! {
                                <p><A href=to attr:class="button button-small">{move || lang.get().pick("Đăng nhập lại để gửi", "Sign in again to send")}</A></p>
                            }
                        });
                        view! {
                            <li class="dossier-card">
                                <p class="dossier-title"><A href=href.clone()>{title}</A></p>
                                <p class="dossier-meta">{move || procedure.name(lang.get())}</p>
                                <p class="dossier-state">{move || state_line(state.as_ref(), &d.status, lang.get())}</p>
                                {sign_in}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

/// The dossiers filed at the counter for citizens from this device: code and date only.
fn counter_list(lang: Signal<Lang>, counter: Vec<store::CounterReceipt>) -> impl IntoView {
    (!counter.is_empty()).then(|| {
        view! {
            <section aria-labelledby="counter-title">
                <h2 id="counter-title">{move || lang.get().pick("Đã nộp giúp người dân tại quầy", "Filed for citizens at the counter")}</h2>
                <p class="hint">{move || lang.get().pick(
                    "Thông tin và giấy tờ của người dân đã được xóa khỏi máy này sau khi gửi; chỉ còn mã hồ sơ.",
                    "The citizens' details and documents were removed from this device once sent; only the codes remain.",
                )}</p>
                <ul class="dossier-list counter-list">
                    {counter
                        .into_iter()
                        .map(|c| {
                            let procedure = c.procedure;
                            let when = vietnamese_time(&c.received_at);
                            view! {
                                <li class="dossier-card">
                                    <p class="dossier-title dossier-code">{c.code.clone()}</p>
                                    <p class="dossier-meta">{move || procedure.name(lang.get())}" · "{when.clone()}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

fn state_line(state: Option<&OutboxState>, status: &DraftStatus, lang: Lang) -> String {
    match (state, status) {
        (Some(OutboxState::Sent { receipt }), _) => match lang {
            Lang::Vi => format!("Đã nộp — mã hồ sơ {}", receipt.code),
            Lang::En => format!("Submitted — dossier code {}", receipt.code),
        },
        (_, DraftStatus::Submitted { code }) => match lang {
            Lang::Vi => format!("Đã nộp — mã hồ sơ {code}"),
            Lang::En => format!("Submitted — dossier code {code}"),
        },
        (Some(OutboxState::Rejected { .. }), _) => lang
            .pick("Bị trả lại: cần sửa", "Returned: needs fixing")
            .to_owned(),
        (Some(OutboxState::SignInNeeded), _) => lang
            .pick(
                "Chờ đăng nhập: đăng nhập lại để gửi",
                "Waiting for a sign-in: sign in again to send",
            )
            .to_owned(),
        (Some(OutboxState::Uploading { .. } | OutboxState::Sending), _) => {
            lang.pick("Đang gửi…", "Sending…").to_owned()
        }
        _ => lang
            .pick(
                "Đang chờ gửi (tự gửi khi có mạng)",
                "Waiting to be sent (goes out when online)",
            )
            .to_owned(),
    }
}

/// `/ho-so/{id}`.
#[component]
pub fn DossierPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let entry: RwSignal<Option<Result<Option<OutboxEntry>, String>>> = RwSignal::new(None);
    let counter: RwSignal<Option<store::CounterReceipt>> = RwSignal::new(None);
    let changes = outbox::changes();
    Effect::new(move |_| {
        changes.track();
        let id = id.get();
        spawn_local(async move {
            let lang = crate::i18n::current_lang();
            // A notification opens `/ho-so/{code}`: the entry whose receipt has that code.
            let found = match outbox::get(&id).await {
                Ok(None) => outbox::list().await.map(|entries| {
                    entries.into_iter().find(
                        |e| matches!(&e.state, OutboxState::Sent { receipt } if receipt.code == id),
                    )
                }),
                other => other,
            };
            // A dossier filed at the counter for a citizen: only its code stays once sent.
            if matches!(found, Ok(None)) {
                counter.try_set(store::get_counter(&id).await.ok().flatten());
            }
            entry.try_set(Some(found.map_err(|e| e.message(lang))));
        });
    });
    move || {
        match entry.get() {
        None => view! {
            <p class="loading" role="status">{move || lang.get().pick("Đang mở hồ sơ trên máy…", "Opening the dossier…")}</p>
        }
        .into_any(),
        Some(Err(m)) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
        Some(Ok(None)) if let Some(c) = counter.get() => {
            let procedure = c.procedure;
            view! {
                <p class="form-procedure">{move || procedure.name(lang.get())}</p>
                <h1>{move || lang.get().pick("Đã gửi hồ sơ nộp giúp", "The dossier filed for the citizen was sent")}</h1>
                <div class="notice notice-ok" role="status">
                    <p>
                        {move || lang.get().pick("Mã hồ sơ: ", "Dossier code: ")}
                        <strong class="dossier-code">{c.code.clone()}</strong>
                    </p>
                    <p>{move || lang.get().pick("Tiếp nhận lúc ", "Received at ")}{vietnamese_time(&c.received_at)}</p>
                    <p>{move || lang.get().pick(
                        "Thông tin và giấy tờ của người dân đã được xóa khỏi máy này. Người dân tra cứu hồ sơ bằng mã hồ sơ.",
                        "The citizen's details and documents were removed from this device. The citizen looks the dossier up with its code.",
                    )}</p>
                </div>
                <p><A href="/ho-so">{move || lang.get().pick("‹ Hồ sơ của tôi", "‹ My dossiers")}</A></p>
            }
            .into_any()
        }
        Some(Ok(None)) => view! {
            <h1>{move || lang.get().pick("Hồ sơ này chưa được nộp", "This dossier has not been submitted")}</h1>
            <p>
                <A href=format!("/soan/{}/{CHECK}", id.get_untracked())>{move || lang.get().pick("Kiểm tra và nộp", "Check and submit")}</A>
            </p>
        }
        .into_any(),
        Some(Ok(Some(e))) => view! { <EntryView entry=e /> }.into_any(),
    }
    }
}

#[component]
fn EntryView(entry: OutboxEntry) -> impl IntoView {
    let lang = use_lang();
    let procedure = entry.body.procedure;
    let phone = entry.body.applicant.phone.clone();
    let draft_id = entry.draft_id.clone();
    let resubmitted = entry.resubmits.is_some();
    let body = match entry.state.clone() {
        OutboxState::Waiting { last_error } => view! {
            <div class="notice notice-info" role="status">
                <h2>{move || lang.get().pick("Đang chờ gửi", "Waiting to be sent")}</h2>
                <p>{move || lang.get().pick(
                    "Hồ sơ đã được giữ trên máy và sẽ tự gửi đúng một lần khi có mạng. Bạn có thể đóng ứng dụng.",
                    "The dossier is kept on this phone and will be sent exactly once when the network returns. You can close the app.",
                )}</p>
                {last_error.map(|m| view! { <p class="hint">{move || lang.get().pick("Lần gửi trước: ", "Last attempt: ")}{m.clone()}</p> })}
                <button type="button" class="button-secondary" on:click=move |_| outbox::send_now()>
                    {move || lang.get().pick("Gửi ngay", "Send now")}
                </button>
            </div>
        }
        .into_any(),
        OutboxState::Uploading { file, files, sent_bytes, total_bytes } => view! {
            <div class="notice notice-info" role="status">
                <h2>{move || lang.get().pick("Đang gửi giấy tờ", "Uploading documents")}</h2>
                <p>{move || match lang.get() {
                    Lang::Vi => format!("Tệp {} trên {}", file + 1, files),
                    Lang::En => format!("File {} of {}", file + 1, files),
                }}</p>
                <progress max=total_bytes.to_string() value=sent_bytes.to_string()></progress>
            </div>
        }
        .into_any(),
        OutboxState::Sending => view! {
            <div class="notice notice-info" role="status">
                <h2>{move || lang.get().pick("Đang gửi hồ sơ…", "Sending the dossier…")}</h2>
            </div>
        }
        .into_any(),
        OutboxState::SignInNeeded => view! { <SignInToSend next=format!("/ho-so/{draft_id}") /> }.into_any(),
        OutboxState::Rejected { error } => {
            let fix = format!("/soan/{draft_id}/{CHECK}");
            view! {
                <div class="error-summary" role="alert">
                    <h2>{move || lang.get().pick("Hồ sơ chưa được nhận", "The dossier was not accepted")}</h2>
                    <p>{error.message.clone()}</p>
                    <ul>
                        {error.fields.iter().map(|f| view! { <li>{f.message.clone()}</li> }).collect_view()}
                    </ul>
                    <A href=fix attr:class="button">{move || lang.get().pick("Sửa hồ sơ", "Fix the dossier")}</A>
                </div>
            }
            .into_any()
        }
        OutboxState::Sent { receipt } => view! { <SentView receipt phone=phone.clone() resubmitted /> }.into_any(),
    };
    view! {
        <p class="form-procedure">{move || procedure.name(lang.get())}</p>
        <h1>{move || lang.get().pick("Hồ sơ của bạn", "Your dossier")}</h1>
        <p class="dossier-meta">{move || lang.get().pick("Bấm nộp lúc ", "Submitted at ")}{local_time(&entry.created_at)}</p>
        {body}
        <p><A href="/ho-so">{move || lang.get().pick("‹ Hồ sơ của tôi", "‹ My dossiers")}</A></p>
    }
}

#[component]
fn SentView(
    receipt: domain::api::Receipt,
    phone: String,
    /// A corrected copy sent back to its dossier.
    resubmitted: bool,
) -> impl IntoView {
    let lang = use_lang();
    let status: RwSignal<Option<(DossierStatus, Option<String>)>> = RwSignal::new(None);
    let note: RwSignal<Option<String>> = RwSignal::new(None);
    let code = receipt.code.clone();
    let phone2 = phone.clone();
    Effect::new(move |_| {
        let code = code.clone();
        let phone = phone2.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            if let Ok(Some((s, at))) = store::get_status(&code).await {
                status.try_set(Some((s, Some(at))));
            }
            if platform::net::is_online() {
                match platform::net::dossier_status(&code, &phone, l).await {
                    Ok(s) => {
                        status.try_set(Some((s, None)));
                        note.try_set(None);
                    }
                    Err(e) => {
                        note.try_set(Some(e.message(l)));
                    }
                }
            } else {
                note.try_set(Some(
                    l.pick(
                        "Đang không có mạng: hiển thị tình trạng lần cập nhật trước.",
                        "Offline: showing the status from the last update.",
                    )
                    .to_owned(),
                ));
            }
        });
    });
    let fallback = receipt.clone();
    view! {
        <div class="notice notice-ok" role="status">
            <h2>{move || if resubmitted {
                lang.get().pick("Đã gửi bổ sung", "Amendments sent")
            } else {
                lang.get().pick("Đã nộp hồ sơ", "Dossier submitted")
            }}</h2>
            <p>
                {move || lang.get().pick("Mã hồ sơ: ", "Dossier code: ")}
                <strong class="dossier-code">{receipt.code.clone()}</strong>
            </p>
            <p>
                {move || lang.get().pick("Hẹn trả kết quả: ", "Result due: ")}
                {move || receipt.due_date.map_or_else(
                    || lang.get().pick("không có thời hạn giải quyết", "no processing time").to_owned(),
                    |d| vietnamese_date(&d.to_string()),
                )}
            </p>
            <p>
                {move || lang.get().pick("Lệ phí nộp trực tuyến: ", "Fee online: ")}
                {move || fee_text(receipt.fee.amount, lang.get())}
                {move || (receipt.fee.counter_amount != receipt.fee.amount).then(|| match lang.get() {
                    Lang::Vi => format!(" (nộp tại quầy: {})", fee_text(receipt.fee.counter_amount, Lang::Vi)),
                    Lang::En => format!(" (at the counter: {})", fee_text(receipt.fee.counter_amount, Lang::En)),
                })}
            </p>
        </div>
        {(!receipt.lookup_qr_svg.is_empty()).then(|| {
            let svg = receipt.lookup_qr_svg.clone();
            let url = receipt.lookup_url.clone();
            view! {
                <figure class="receipt-qr">
                    // The server's own SVG (it drew it from the look-up URL), kept with the receipt.
                    <div class="qr" role="img" aria-label=move || lang.get().pick("Mã QR tra cứu hồ sơ", "QR code to look the dossier up") inner_html=svg></div>
                    <figcaption>{move || lang.get().pick("Quét mã để tra cứu: ", "Scan to look it up: ")}<a href=url.clone()>{url.clone()}</a></figcaption>
                </figure>
            }
        })}
        {
            move || {
                status
                    .get()
                    .filter(|(s, _)| s.state == domain::lifecycle::State::SupplementRequested)
                    .map(|(s, _)| view! {
                        <super::supplement::SupplementView
                            code=s.receipt.code.clone()
                            procedure=s.receipt.procedure
                        />
                    })
            }
        }
        <super::notifications::NotifyButton code=receipt.code.clone() phone=phone.clone() />
        {move || note.get().map(|n| view! { <p class="hint" role="status">{n}</p> })}
        {move || {
            match status.get() {
                Some((s, at)) => view! {
                    {at.map(|at| view! { <p class="hint">{move || lang.get().pick("Cập nhật lúc ", "Updated ")}{local_time(&at)}</p> })}
                    <DossierResult status=s />
                }
                .into_any(),
                None => {
                    // The owner's session (or the dossier-scoped access) opens it.
                    let pdf = fallback.receipt_pdf_url.clone();
                    view! {
                        <p>
                            <a href=pdf rel="external" download>
                                {move || lang.get().pick("Tải giấy tiếp nhận (PDF)", "Download the receipt (PDF)")}
                            </a>
                        </p>
                    }
                    .into_any()
                }
            }
        }}
    }
}

fn fee_text(amount: domain::Vnd, lang: Lang) -> String {
    if amount.dong() == 0 {
        lang.pick("miễn phí", "free").to_owned()
    } else {
        format!("{} đồng", amount.grouped())
    }
}
