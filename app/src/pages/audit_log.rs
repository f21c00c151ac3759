//! `/can-bo/nhat-ky`: the audit log, for supervisors (of their jurisdictions) and administrators (of
//! any): who read or did what, when and from which address — per jurisdiction, newest first, 500 rows
//! at a time with "Xem thêm" for older ones, or per dossier, oldest first. The filters live in the URL
//! query (`dia-ban`, `ho-so`), as the queue's do, so "back" keeps them. The server decides who may read
//! it: an officer who opens the address reads the server's refusal. [`DossierAudit`] shows the same
//! table on a supervisor's dossier view.

use domain::{
    Lang,
    accounts::TRADE_DEPARTMENT,
    api::{AuditQuery, AuditRecord, Principal, Role},
    documents::DocumentKind,
    lifecycle::Action,
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_query_map},
};

use super::{
    account::{SignOutButton, use_session},
    lookup::vietnamese_date,
    staff::{StaffNav, action_button, parse_wire, place},
};
use crate::{
    i18n::use_lang,
    platform::{PlatformError, net::encode_component, staff},
};

/// The page's own address.
const HERE: &str = "/can-bo/nhat-ky";

/// The most rows one answer about a jurisdiction holds (the server's page size).
const PAGE: usize = 500;

/// What an audit row's `action` says, for people: the reads by name, a staff action as the dossier
/// view's button names it, anything else as it is stored.
pub(crate) fn action_label(action: &str, lang: Lang) -> String {
    let known = match action {
        "view" => Some(lang.pick("Xem hồ sơ", "Viewed the dossier")),
        "attachment" => Some(lang.pick("Mở tệp đính kèm", "Opened an attachment")),
        "document" => Some(lang.pick("Mở văn bản", "Opened a document")),
        "queue" => Some(lang.pick("Xem danh sách hồ sơ", "Viewed the dossier list")),
        "action:assisted_submission" => Some(lang.pick(
            "Nộp hồ sơ giúp người dân tại quầy",
            "Filed a dossier for a citizen at the counter",
        )),
        _ => action
            .strip_prefix("action:")
            .and_then(parse_wire::<Action>)
            .map(|a| action_button(a, lang))
            .filter(|label| !label.is_empty()),
    };
    known.map_or_else(|| action.to_owned(), str::to_owned)
}

/// An audit row's detail, with the stored names of documents and attachment kinds put in words.
pub(crate) fn detail_text(action: &str, detail: &str, lang: Lang) -> String {
    match action {
        "document" => DocumentKind::from_stored_name(detail)
            .map_or_else(|| detail.to_owned(), |k| k.name(lang).to_owned()),
        // `<kind> (<file name>)`
        "attachment" => {
            let (kind, file) = detail
                .split_once(" (")
                .map_or((detail, None), |(k, f)| (k, Some(f)));
            match parse_wire::<domain::attachments::DocumentKind>(kind) {
                Some(k) => file.map_or_else(
                    || k.name(lang).to_owned(),
                    |f| format!("{} ({f}", k.name(lang)),
                ),
                None => detail.to_owned(),
            }
        }
        _ => detail.to_owned(),
    }
}

/// `dd/mm/yyyy HH:mm` of an RFC 3339 time the server wrote in Vietnam time.
pub(crate) fn when(rfc3339: &str) -> String {
    format!(
        "{} {}",
        vietnamese_date(rfc3339),
        rfc3339.get(11..16).unwrap_or_default()
    )
}

/// The message of a failed read: the server's own (a refusal says who may read the log), or, for a
/// dossier code it does not know, which code.
fn failure_text(error: &PlatformError, dossier: Option<&str>, lang: Lang) -> String {
    match (error, dossier) {
        (PlatformError::Http { status: 404, .. }, Some(code)) => match lang {
            Lang::Vi => format!("Không có hồ sơ mã {code}. Hãy kiểm tra lại mã hồ sơ."),
            Lang::En => format!("There is no dossier {code}. Check the code."),
        },
        _ => error.message(lang),
    }
}

/// The URL of the page with these filters (empty ones left out).
fn page_url(jurisdiction: &str, dossier: &str) -> String {
    let parts: Vec<String> = [("dia-ban", jurisdiction), ("ho-so", dossier)]
        .into_iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", encode_component(v.trim())))
        .collect();
    if parts.is_empty() {
        HERE.to_owned()
    } else {
        format!("{HERE}?{}", parts.join("&"))
    }
}

/// `/can-bo/nhat-ky`.
#[component]
pub fn StaffAuditPage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    view! {
        <h1>{move || lang.get().pick("Nhật ký truy cập hồ sơ", "Dossier access log")}</h1>
        {move || match state.with(|s| s.as_ref().map(|s| s.principal.clone())) {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang kiểm tra đăng nhập…", "Checking sign-in…")}</p>
            }.into_any(),
            Some(Principal::Staff { must_change_password: true, .. }) => view! {
                <p class="notice notice-warn" role="status">
                    {move || lang.get().pick("Hãy đổi mật khẩu tạm thời trước khi làm việc. ", "Change your temporary password before you start. ")}
                    <a href="/can-bo/mat-khau">{move || lang.get().pick("Đổi mật khẩu", "Change password")}</a>
                </p>
            }.into_any(),
            Some(principal @ Principal::Staff { .. }) => view! { <AuditWork principal /> }.into_any(),
            Some(_) => view! {
                <p class="notice notice-info" role="status">
                    {move || lang.get().pick("Trang này dành cho cán bộ. ", "This page is for staff. ")}
                    <a href=format!("/can-bo/dang-nhap?next={HERE}")>{move || lang.get().pick("Đăng nhập cán bộ", "Staff sign-in")}</a>
                </p>
            }.into_any(),
        }}
    }
}

/// Where the page stands.
#[derive(Debug, Clone, PartialEq)]
enum Load {
    /// Nothing chosen yet (an administrator has no jurisdiction of their own).
    Choose,
    Loading,
    Failed(String),
    Done(Vec<AuditRecord>),
}

#[component]
fn AuditWork(principal: Principal) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let Principal::Staff {
        role,
        jurisdictions,
        ..
    } = principal
    else {
        return ().into_any();
    };
    // An officer sees no form: the request below goes out all the same and the server says why not.
    let reads = matches!(role, Role::Supervisor | Role::Administrator);
    let admin = role == Role::Administrator;
    let own_first = (!admin).then(|| jurisdictions.first().cloned()).flatten();
    let chosen_place = RwSignal::new(String::new());
    let chosen_code = RwSignal::new(String::new());
    let wanted = Memo::new(move |_| {
        query.with(|q| {
            let given = |key: &str| {
                q.get(key)
                    .map(|v| v.trim().to_uppercase())
                    .filter(|v| !v.is_empty())
            };
            AuditQuery {
                dossier: given("ho-so"),
                jurisdiction: given("dia-ban").or_else(|| own_first.clone()),
                before: None,
            }
        })
    });
    // The URL holds the filters, so "back" from a dossier returns to the same log.
    Effect::new(move |_| {
        wanted.with(|w| {
            chosen_place.set(w.jurisdiction.clone().unwrap_or_default());
            chosen_code.set(w.dossier.clone().unwrap_or_default());
        });
    });

    let load = RwSignal::new(Load::Loading);
    let more = RwSignal::new(false);
    let loading_more = RwSignal::new(false);
    let more_error = RwSignal::new(None::<String>);
    // Answers to an older choice are dropped.
    let generation = RwSignal::new(0_u32);
    Effect::new(move |_| {
        let q = wanted.get();
        more.set(false);
        more_error.set(None);
        loading_more.set(false);
        let mine = generation.get_untracked().wrapping_add(1);
        generation.set(mine);
        if q.dossier.is_none() && q.jurisdiction.is_none() {
            load.set(Load::Choose);
            return;
        }
        load.set(Load::Loading);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let result = staff::audit(&q, l).await;
            if generation.try_get_untracked() != Some(mine) {
                return;
            }
            match result {
                Ok(rows) => {
                    more.try_set(q.dossier.is_none() && rows.len() >= PAGE);
                    load.try_set(Load::Done(rows));
                }
                Err(e) => {
                    load.try_set(Load::Failed(failure_text(&e, q.dossier.as_deref(), l)));
                }
            }
        });
    });
    let load_more = move |_| {
        // The button stays focusable while it loads (`aria-disabled`): a second press does nothing.
        if loading_more.get_untracked() {
            return;
        }
        let Some((last, shown)) = load.with_untracked(|l| match l {
            Load::Done(rows) => rows.last().map(|r| (r.id, rows.len())),
            _ => None,
        }) else {
            return;
        };
        let q = AuditQuery {
            before: Some(last),
            ..wanted.get_untracked()
        };
        let mine = generation.get_untracked();
        loading_more.set(true);
        more_error.set(None);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let result = staff::audit(&q, l).await;
            if generation.try_get_untracked() != Some(mine) {
                return;
            }
            match result {
                Ok(older) => {
                    more.try_set(older.len() >= PAGE);
                    let first_new = (!older.is_empty()).then(|| row_id(shown));
                    load.try_update(|load| {
                        if let Load::Done(rows) = load {
                            rows.extend(older);
                        }
                    });
                    // The reader goes on where the new rows begin, not back at the top of the page.
                    crate::pages::form::focus_later(first_new);
                }
                Err(e) => {
                    more_error.try_set(Some(e.message(l)));
                }
            }
            loading_more.try_set(false);
        });
    };

    let apply = {
        let navigate = navigate.clone();
        move || {
            navigate(
                &page_url(&chosen_place.get_untracked(), &chosen_code.get_untracked()),
                NavigateOptions::default(),
            );
        }
    };
    let clear = {
        let apply = apply.clone();
        move |_| {
            chosen_code.set(String::new());
            apply();
        }
    };
    // A supervisor chooses among their own jurisdictions; an administrator among all of them.
    let places: Vec<String> = if admin {
        let mut communes: Vec<_> = domain::data::communes().collect();
        communes.sort_by_key(|c| domain::text::fold(c.name));
        std::iter::once(TRADE_DEPARTMENT.to_owned())
            .chain(communes.into_iter().map(|c| c.code.to_string()))
            .collect()
    } else {
        jurisdictions
    };
    let places = StoredValue::new(places);

    let caption = Signal::derive(move || {
        let l = lang.get();
        wanted.with(|w| match (&w.dossier, &w.jurisdiction) {
            (Some(code), _) => match l {
                Lang::Vi => format!("Hồ sơ {code} — cũ nhất trước"),
                Lang::En => format!("Dossier {code} — oldest first"),
            },
            (None, Some(j)) => match l {
                Lang::Vi => format!("{} — mới nhất trước", place(j, l)),
                Lang::En => format!("{} — newest first", place(j, l)),
            },
            (None, None) => String::new(),
        })
    });

    view! {
        <StaffNav role current=HERE />
        {reads.then(|| view! {
            <p class="lead">{move || lang.get().pick(
                "Mỗi lần cán bộ xem danh sách hồ sơ, xem hồ sơ, mở tệp đính kèm hoặc văn bản, và mỗi thao tác xử lý đều được ghi lại: ai, lúc nào, từ địa chỉ IP nào. Nhật ký chỉ được ghi thêm, không sửa, không xóa.",
                "Every time staff list dossiers, open a dossier, a file or a document, and every action, is recorded: who, when, from which IP address. The log is only ever added to, never changed or deleted.",
            )}</p>
            <form class="queue-filters" role="search" on:submit={
                let apply = apply.clone();
                move |ev| { ev.prevent_default(); apply(); }
            }>
                <div class="field">
                    <label for="audit-jurisdiction">{move || lang.get().pick("Địa bàn", "Jurisdiction")}</label>
                    <select id="audit-jurisdiction" prop:value=move || chosen_place.get()
                        on:change=move |ev| chosen_place.set(event_target_value(&ev))>
                        {admin.then(|| view! {
                            <option value="">{move || lang.get().pick("— Chọn địa bàn —", "— Choose —")}</option>
                        })}
                        {places.get_value().into_iter().map(|code| {
                            let label_code = code.clone();
                            let selected_code = code.clone();
                            view! {
                                <option value=code selected=move || chosen_place.get() == selected_code>
                                    {move || place(&label_code, lang.get())}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-dossier">{move || lang.get().pick("Mã hồ sơ (không bắt buộc)", "Dossier code (optional)")}</label>
                    <p class="hint" id="audit-dossier-hint">{move || lang.get().pick(
                        "Để trống để xem cả địa bàn. Ví dụ: 21025-261123-0001",
                        "Leave empty for the whole jurisdiction. E.g. 21025-261123-0001",
                    )}</p>
                    <input id="audit-dossier" type="search" autocomplete="off" spellcheck="false"
                        aria-describedby="audit-dossier-hint"
                        prop:value=move || chosen_code.get()
                        on:input=move |ev| chosen_code.set(event_target_value(&ev)) />
                </div>
                <div class="queue-buttons">
                    <button type="submit" class="button-primary">{move || lang.get().pick("Xem nhật ký", "Show the log")}</button>
                    <button type="button" class="button-secondary" on:click=clear>{move || lang.get().pick("Bỏ mã hồ sơ", "Clear the code")}</button>
                </div>
            </form>
        })}
        {move || wanted.with(|w| w.dossier.clone()).filter(|_| role == Role::Supervisor).map(|code| {
            let href = format!("/can-bo/ho-so/{}", encode_component(&code));
            view! {
                <p><a class="button-link" href=href>{move || match lang.get() {
                    Lang::Vi => format!("Mở hồ sơ {code}"),
                    Lang::En => format!("Open dossier {code}"),
                }}</a></p>
            }
        })}
        {move || match load.get() {
            Load::Choose => view! {
                <p class="notice notice-info" role="status">{move || lang.get().pick(
                    "Chọn địa bàn hoặc nhập mã hồ sơ rồi bấm “Xem nhật ký”.",
                    "Choose a jurisdiction or enter a dossier code, then press “Show the log”.",
                )}</p>
            }.into_any(),
            Load::Loading => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang tải nhật ký…", "Loading the log…")}</p>
            }.into_any(),
            Load::Failed(m) => view! {
                <p class="notice notice-error" role="alert">{m}</p>
                {(!reads).then(|| view! {
                    <p><a class="button-link" href="/can-bo">{move || lang.get().pick("Về danh sách hồ sơ", "Back to the dossiers")}</a></p>
                })}
            }.into_any(),
            Load::Done(rows) if rows.is_empty() => view! {
                <p class="notice notice-info" role="status">{move || lang.get().pick(
                    "Chưa có lượt truy cập nào được ghi.",
                    "Nothing has been recorded yet.",
                )}</p>
            }.into_any(),
            Load::Done(rows) => {
                let count = rows.len();
                let show_dossier = wanted.with_untracked(|w| w.dossier.is_none());
                view! {
                    <p role="status">{move || match (lang.get(), more.get()) {
                        (Lang::Vi, false) => format!("{count} lượt ghi"),
                        (Lang::Vi, true) => format!("{count} lượt ghi gần nhất; còn các lượt cũ hơn"),
                        (Lang::En, false) => format!("{count} record(s)"),
                        (Lang::En, true) => format!("The latest {count} records; there are older ones"),
                    }}</p>
                    <AuditTable rows caption show_dossier dossier_links_to_log=admin />
                }.into_any()
            }
        }}
        {move || more_error.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        {move || more.get().then(|| view! {
            <p>
                <button type="button" class="button-secondary" on:click=load_more
                    aria-disabled=move || loading_more.get().then_some("true")
                    aria-busy=move || loading_more.get().then_some("true")>
                    {move || if loading_more.get() {
                        lang.get().pick("Đang tải…", "Loading…")
                    } else {
                        lang.get().pick("Xem thêm các lượt cũ hơn", "Show older records")
                    }}
                </button>
            </p>
        })}
        <SignOutButton />
    }
    .into_any()
}

/// The id of the `n`-th row of the table (from 0), to move the focus to the first of the rows "Xem
/// thêm" brought.
fn row_id(n: usize) -> String {
    format!("audit-row-{n}")
}

/// The rows of the audit log as a table: a row per record, the time as its header. Below 40 rem each
/// row stacks into a card, every cell named by its column (`data-label`), so nothing scrolls sideways.
#[component]
pub(crate) fn AuditTable(
    /// The records, in the order to show.
    rows: Vec<AuditRecord>,
    /// What the table shows (its caption).
    #[prop(into)]
    caption: Signal<String>,
    /// Whether to show each record's dossier (not on one dossier's own log).
    show_dossier: bool,
    /// Whether a dossier code opens that dossier's log rather than the dossier (administrators, who
    /// do not open dossiers).
    dossier_links_to_log: bool,
) -> impl IntoView {
    let lang = use_lang();
    let col_when = move || lang.get().pick("Thời gian", "When");
    let col_who = move || lang.get().pick("Cán bộ", "Who");
    let col_what = move || lang.get().pick("Thao tác", "What");
    let col_dossier = move || lang.get().pick("Hồ sơ", "Dossier");
    let col_addr = move || lang.get().pick("Địa chỉ IP", "IP address");
    view! {
        <table class="audit-table">
            <caption>{move || caption.get()}</caption>
            <thead>
                <tr>
                    <th scope="col">{col_when}</th>
                    <th scope="col">{col_who}</th>
                    <th scope="col">{col_what}</th>
                    {show_dossier.then(|| view! { <th scope="col">{col_dossier}</th> })}
                    <th scope="col">{col_addr}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().enumerate().map(|(i, r)| {
                    let action = r.action.clone();
                    let detail_action = r.action.clone();
                    let detail = r.detail.clone();
                    let dossier = r.dossier.clone();
                    view! {
                        <tr id=row_id(i) tabindex="-1">
                            <th scope="row" data-label=col_when>
                                <time datetime=r.at.clone()>{when(&r.at)}</time>
                            </th>
                            <td data-label=col_who>{r.staff_name.clone()}</td>
                            <td data-label=col_what>
                                {move || action_label(&action, lang.get())}
                                {detail.map(|d| view! {
                                    <span class="audit-detail">{move || detail_text(&detail_action, &d, lang.get())}</span>
                                })}
                            </td>
                            {show_dossier.then(|| view! {
                                <td data-label=col_dossier>
                                    {match dossier {
                                        Some(code) => {
                                            let href = if dossier_links_to_log {
                                                format!("{HERE}?ho-so={}", encode_component(&code))
                                            } else {
                                                format!("/can-bo/ho-so/{}", encode_component(&code))
                                            };
                                            view! { <a class="dossier-code" href=href>{code}</a> }.into_any()
                                        }
                                        None => view! {
                                            <span aria-hidden="true">"—"</span>
                                            <span class="visually-hidden">{move || lang.get().pick("Không gắn với hồ sơ nào", "No dossier")}</span>
                                        }.into_any(),
                                    }}
                                </td>
                            })}
                            <td data-label=col_addr class="audit-addr">
                                {r.client_addr.clone().unwrap_or_else(|| "—".to_owned())}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// "Nhật ký truy cập hồ sơ" on a supervisor's dossier view: every read of and action on this dossier,
/// oldest first, the supervisor's own read of the page included.
#[component]
pub(crate) fn DossierAudit(
    /// The dossier code.
    code: String,
) -> impl IntoView {
    let lang = use_lang();
    let load = RwSignal::new(Load::Loading);
    let code = StoredValue::new(code);
    // Read once the page runs in the browser (never during the server's render).
    Effect::new(move |_| {
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let code = code.get_value();
            let query = AuditQuery {
                dossier: Some(code.clone()),
                ..AuditQuery::default()
            };
            let next = match staff::audit(&query, l).await {
                Ok(rows) => Load::Done(rows),
                Err(e) => Load::Failed(failure_text(&e, Some(&code), l)),
            };
            load.try_set(next);
        });
    });
    let caption = Signal::derive(move || match lang.get() {
        Lang::Vi => format!(
            "Các lượt truy cập hồ sơ {} — cũ nhất trước",
            code.get_value()
        ),
        Lang::En => format!("Access to dossier {} — oldest first", code.get_value()),
    });
    view! {
        <section class="dossier-audit" aria-labelledby="dossier-audit-title">
            <h2 id="dossier-audit-title" class="section-title">{move || lang.get().pick("Nhật ký truy cập hồ sơ", "Dossier access log")}</h2>
            {move || match load.get() {
                Load::Choose | Load::Loading => view! {
                    <p class="loading" role="status">{move || lang.get().pick("Đang tải nhật ký…", "Loading the log…")}</p>
                }.into_any(),
                Load::Failed(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
                Load::Done(rows) if rows.is_empty() => view! {
                    <p>{move || lang.get().pick("Chưa có lượt truy cập nào được ghi.", "Nothing has been recorded yet.")}</p>
                }.into_any(),
                Load::Done(rows) => view! {
                    <AuditTable rows caption show_dossier=false dossier_links_to_log=false />
                }.into_any(),
            }}
            <p>
                <a class="button-link" href=move || format!("{HERE}?ho-so={}", encode_component(&code.get_value()))>
                    {move || lang.get().pick("Mở trang nhật ký truy cập", "Open the access log page")}
                </a>
            </p>
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_read_and_action_has_a_label_in_both_languages() {
        for (action, vi, en) in [
            ("view", "Xem hồ sơ", "Viewed the dossier"),
            ("attachment", "Mở tệp đính kèm", "Opened an attachment"),
            ("document", "Mở văn bản", "Opened a document"),
            ("queue", "Xem danh sách hồ sơ", "Viewed the dossier list"),
            ("action:receive", "Tiếp nhận hồ sơ", "Receive"),
            (
                "action:request_supplement",
                "Yêu cầu sửa đổi, bổ sung",
                "Request amendments",
            ),
            (
                "action:approve",
                "Phê duyệt, cấp kết quả",
                "Approve and issue",
            ),
            (
                "action:extend",
                "Gia hạn, gửi thư xin lỗi",
                "Extend with apology",
            ),
            (
                "action:assisted_submission",
                "Nộp hồ sơ giúp người dân tại quầy",
                "Filed a dossier for a citizen at the counter",
            ),
        ] {
            assert_eq!(action_label(action, Lang::Vi), vi, "{action}");
            assert_eq!(action_label(action, Lang::En), en, "{action}");
        }
    }

    #[test]
    fn every_staff_action_reads_as_its_button() {
        use domain::lifecycle::Actor;
        for a in Action::ALL
            .into_iter()
            .filter(|a| a.actor() == Actor::Staff)
        {
            let stored = format!(
                "action:{}",
                serde_json::to_value(a)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            );
            assert_eq!(action_label(&stored, Lang::Vi), action_button(a, Lang::Vi));
        }
    }

    #[test]
    fn unknown_actions_show_as_stored() {
        for raw in [
            "export",
            "action:khong_co",
            "action:",
            "action:withdraw",
            "",
        ] {
            assert_eq!(action_label(raw, Lang::Vi), raw);
        }
    }

    #[test]
    fn details_name_documents_and_attachment_kinds() {
        assert_eq!(
            detail_text("document", "gcn", Lang::Vi),
            "Giấy chứng nhận đăng ký hộ kinh doanh"
        );
        assert_eq!(
            detail_text("document", "supplement_request", Lang::En),
            "Request to amend the dossier"
        );
        let attachment = detail_text(
            "attachment",
            "household_authorisation (uy quyen.jpg)",
            Lang::Vi,
        );
        assert!(attachment.ends_with(" (uy quyen.jpg)"), "{attachment}");
        assert!(
            !attachment.starts_with("household_authorisation"),
            "{attachment}"
        );
        for (action, raw) in [
            ("document", "khong_co"),
            ("attachment", "khong_co (a.pdf)"),
            ("queue", "3 hồ sơ (q=Nguyễn)"),
            ("action:reject", "Thiếu giấy tờ."),
        ] {
            assert_eq!(detail_text(action, raw, Lang::Vi), raw);
        }
    }

    #[test]
    fn times_read_day_first_in_vietnam_time() {
        assert_eq!(when("2026-11-24T08:05:09.123+07:00"), "24/11/2026 08:05");
    }

    #[test]
    fn the_filters_go_into_the_address() {
        assert_eq!(page_url("", " "), "/can-bo/nhat-ky");
        assert_eq!(page_url("21025", ""), "/can-bo/nhat-ky?dia-ban=21025");
        assert_eq!(
            page_url("SCT", " 21025-261123-0001 "),
            "/can-bo/nhat-ky?dia-ban=SCT&ho-so=21025-261123-0001"
        );
    }

    #[test]
    fn an_unknown_dossier_is_named_and_a_refusal_is_the_servers() {
        let not_found = PlatformError::Http {
            status: 404,
            body: None,
        };
        assert!(failure_text(&not_found, Some("X-1"), Lang::Vi).contains("X-1"));
        let refused = PlatformError::Http {
            status: 403,
            body: Some(domain::api::ApiError {
                code: "forbidden".into(),
                message: "Chỉ lãnh đạo, giám sát của đơn vị và quản trị viên được xem nhật ký truy cập hồ sơ.".into(),
                fields: Vec::new(),
            }),
        };
        assert!(failure_text(&refused, None, Lang::Vi).starts_with("Chỉ lãnh đạo"));
    }
}
