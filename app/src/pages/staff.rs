//! The staff workspace, laid out for tablets (768–1024 px, touch) and still usable on a phone:
//! `/can-bo`, the queue of the officer's jurisdiction (filters by state and procedure, search by code,
//! name or phone; the server puts overdue and due-soon dossiers first), and `/can-bo/ho-so/{code}`, one
//! dossier with every answer, its files (images shown, PDFs opened), documents, timeline, and the actions
//! the lifecycle allows now. Supervisors read; they take no action, and see the dossier's access log
//! (`pages::audit_log`, which is also their page `/can-bo/nhat-ky`, reached from [`StaffNav`]).

use domain::{
    Lang, MaXa, Procedure,
    accounts::TRADE_DEPARTMENT,
    api::{
        AttachmentView, Principal, QueueItem, QueuePage, QueueQuery, Role, StaffAction,
        StaffDossier, SupplementItem,
    },
    lifecycle::{Action, Actor, State},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_params_map, use_query_map},
};
use serde_json::Value;

use super::{
    account::{SignOutButton, use_session},
    audit_log::DossierAudit,
    lookup::vietnamese_time,
    supplement::target_label,
};
use crate::{
    forms::{FormSpec, Kind},
    i18n::use_lang,
    pages::form::{check::answer as answer_text, confirm},
    platform::staff,
};

/// Every state, in lifecycle order (the queue's filter).
const STATES: [State; 10] = [
    State::Submitted,
    State::Received,
    State::Processing,
    State::SupplementRequested,
    State::Approved,
    State::Rejected,
    State::Returned,
    State::RefusedIntake,
    State::Lapsed,
    State::Withdrawn,
];

/// The wire name of a serde enum value (`supplement_requested`).
fn wire<T: serde::Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(super) fn parse_wire<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(Value::String(text.to_owned())).ok()
}

/// A jurisdiction as people read it.
pub(super) fn place(code: &str, lang: Lang) -> String {
    if code == TRADE_DEPARTMENT {
        lang.pick("Sở Công Thương", "Department of Industry and Trade")
            .to_owned()
    } else {
        MaXa::parse(code).map_or_else(|_| code.to_owned(), |c| c.name().to_owned())
    }
}

/// Who may work here: the staff member, or the view to show instead.
fn gate(
    principal: Option<Principal>,
    lang: Signal<Lang>,
    here: &str,
) -> Result<Principal, AnyView> {
    let sign_in = format!("/can-bo/dang-nhap?next={here}");
    match principal {
        None => Err(view! {
            <p class="loading" role="status">{move || lang.get().pick("Đang kiểm tra đăng nhập…", "Checking sign-in…")}</p>
        }
        .into_any()),
        Some(Principal::Staff {
            must_change_password: true,
            ..
        }) => Err(view! {
            <p class="notice notice-warn" role="status">
                {move || lang.get().pick("Hãy đổi mật khẩu tạm thời trước khi làm việc. ", "Change your temporary password before you start. ")}
                <a href="/can-bo/mat-khau">{move || lang.get().pick("Đổi mật khẩu", "Change password")}</a>
            </p>
        }
        .into_any()),
        Some(Principal::Staff {
            role: Role::Administrator,
            ..
        }) => Err(view! {
            <p class="notice notice-info" role="status">
                {move || lang.get().pick(
                    "Tài khoản quản trị không xử lý hồ sơ. ",
                    "An administrator account does not process dossiers. ",
                )}
                <a href="/quan-tri/can-bo">{move || lang.get().pick("Quản lý tài khoản cán bộ", "Staff accounts")}</a>
            </p>
        }
        .into_any()),
        Some(p @ Principal::Staff { .. }) => Ok(p),
        Some(_) => Err(view! {
            <p class="notice notice-info" role="status">
                {move || lang.get().pick("Trang này dành cho cán bộ. ", "This page is for staff. ")}
                <a href=sign_in>{move || lang.get().pick("Đăng nhập cán bộ", "Staff sign-in")}</a>
            </p>
        }
        .into_any()),
    }
}

/// The pages of the workspace a role has besides its home, each a link, the current one marked: a
/// supervisor's queue and audit log, an administrator's staff accounts and audit log. Officers have
/// only the queue, so they get no navigation (and no link to the audit log).
#[component]
pub(crate) fn StaffNav(
    /// Whose workspace.
    role: Role,
    /// The path of the page shown.
    current: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    let links: &[(&str, &str, &str)] = match role {
        Role::Supervisor => &[
            ("/can-bo", "Hồ sơ", "Dossiers"),
            ("/can-bo/nhat-ky", "Nhật ký truy cập hồ sơ", "Access log"),
        ],
        Role::Administrator => &[
            ("/quan-tri/can-bo", "Tài khoản cán bộ", "Staff accounts"),
            ("/can-bo/nhat-ky", "Nhật ký truy cập hồ sơ", "Access log"),
        ],
        Role::CommuneOfficer | Role::TradeOfficer => &[],
    };
    (!links.is_empty()).then(|| {
        view! {
            <nav class="staff-nav" aria-label=move || lang.get().pick("Trang làm việc", "Workspace")>
                <ul>
                    {links.iter().map(|&(href, vi, en)| view! {
                        <li>
                            <a href=href aria-current=(href == current).then_some("page")>{move || lang.get().pick(vi, en)}</a>
                        </li>
                    }).collect_view()}
                </ul>
            </nav>
        }
    })
}

/// The due date with its warning.
fn due_view(
    due: Option<chrono::NaiveDate>,
    overdue: bool,
    soon: bool,
    lang: Signal<Lang>,
) -> AnyView {
    let Some(due) = due else {
        return ().into_any();
    };
    let date = due.format("%d/%m/%Y").to_string();
    view! {
        <span>
            {move || lang.get().pick("Hạn trả: ", "Due: ")}{date}
            {overdue.then(|| view! { " "<span class="tag tag-late">{move || lang.get().pick("Quá hạn", "Overdue")}</span> })}
            {(soon && !overdue).then(|| view! { " "<span class="tag tag-soon">{move || lang.get().pick("Sắp đến hạn", "Due soon")}</span> })}
        </span>
    }
    .into_any()
}

/// `/can-bo`: the queue.
#[component]
pub fn StaffQueuePage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    view! {
        <h1>{move || lang.get().pick("Hồ sơ cần xử lý", "Dossiers to process")}</h1>
        {move || match gate(state.with(|s| s.as_ref().map(|s| s.principal.clone())), lang, "/can-bo") {
            Err(view) => view,
            Ok(principal) => view! { <Queue principal /> }.into_any(),
        }}
    }
}

#[component]
fn Queue(principal: Principal) -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let navigate = use_navigate();
    let Principal::Staff {
        display_name,
        role,
        jurisdictions,
        ..
    } = principal
    else {
        return ().into_any();
    };
    let chosen_state = RwSignal::new(String::new());
    let chosen_procedure = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    // The URL holds the filters, so "back" from a dossier returns to the same list.
    Effect::new(move |_| {
        query.with(|q| {
            chosen_state.set(q.get("trang-thai").unwrap_or_default());
            chosen_procedure.set(q.get("thu-tuc").unwrap_or_default());
            search.set(q.get("tim").unwrap_or_default());
        });
    });
    let items: RwSignal<Option<Result<QueuePage, String>>> = RwSignal::new(None);
    Effect::new(move |_| {
        let wanted = query.with(|q| QueueQuery {
            state: q.get("trang-thai").and_then(|s| parse_wire(&s)),
            procedure: q.get("thu-tuc").and_then(|s| parse_wire(&s)),
            q: q.get("tim").filter(|s| !s.trim().is_empty()),
            page: q.get("trang").and_then(|p| p.trim().parse().ok()),
        });
        items.set(None);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let result = staff::queue(&wanted, l).await.map_err(|e| e.message(l));
            items.try_set(Some(result));
        });
    });
    let apply = move || {
        let mut parts = Vec::new();
        for (key, value) in [
            ("trang-thai", chosen_state.get_untracked()),
            ("thu-tuc", chosen_procedure.get_untracked()),
            ("tim", search.get_untracked()),
        ] {
            if !value.trim().is_empty() {
                parts.push(format!(
                    "{key}={}",
                    crate::platform::net::encode_component(value.trim())
                ));
            }
        }
        let url = if parts.is_empty() {
            "/can-bo".to_owned()
        } else {
            format!("/can-bo?{}", parts.join("&"))
        };
        navigate(&url, NavigateOptions::default());
    };
    let clear = {
        let apply = apply.clone();
        move |_| {
            chosen_state.set(String::new());
            chosen_procedure.set(String::new());
            search.set(String::new());
            apply();
        }
    };
    let places = jurisdictions.clone();
    view! {
        <StaffNav role current="/can-bo" />
        <p class="lead">
            {display_name}" · "{move || role.label(lang.get())}" · "
            {move || lang.get().pick("Địa bàn: ", "Jurisdiction: ")}
            {move || places.iter().map(|j| place(j, lang.get())).collect::<Vec<_>>().join(", ")}
        </p>
        <form class="queue-filters" role="search" on:submit=move |ev| { ev.prevent_default(); apply(); }>
            <div class="field">
                <label for="queue-state">{move || lang.get().pick("Tình trạng", "State")}</label>
                <select id="queue-state" prop:value=move || chosen_state.get()
                    on:change=move |ev| chosen_state.set(event_target_value(&ev))>
                    <option value="">{move || lang.get().pick("Tất cả", "All")}</option>
                    {STATES.into_iter().map(|s| {
                        let value = wire(s);
                        let selected_value = value.clone();
                        view! { <option value=value selected=move || chosen_state.get() == selected_value>{move || s.label(lang.get())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="queue-procedure">{move || lang.get().pick("Thủ tục", "Procedure")}</label>
                <select id="queue-procedure" prop:value=move || chosen_procedure.get()
                    on:change=move |ev| chosen_procedure.set(event_target_value(&ev))>
                    <option value="">{move || lang.get().pick("Tất cả", "All")}</option>
                    {Procedure::ALL.into_iter().map(|p| {
                        let value = wire(p);
                        let selected_value = value.clone();
                        view! { <option value=value selected=move || chosen_procedure.get() == selected_value>{move || p.name(lang.get())}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="queue-search">{move || lang.get().pick("Tìm theo mã, tên hoặc số điện thoại", "Search by code, name or phone")}</label>
                <input id="queue-search" type="search" autocomplete="off" prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </div>
            <div class="queue-buttons">
                <button type="submit" class="button-primary">{move || lang.get().pick("Lọc", "Filter")}</button>
                <button type="button" class="button-secondary" on:click=clear>{move || lang.get().pick("Bỏ lọc", "Clear")}</button>
            </div>
        </form>
        {move || match items.get() {
            None => view! { <p class="loading" role="status">{move || lang.get().pick("Đang tải hồ sơ…", "Loading dossiers…")}</p> }.into_any(),
            Some(Err(m)) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
            Some(Ok(found)) if found.total == 0 => view! {
                <p class="notice notice-info" role="status">{move || lang.get().pick(
                    "Không có hồ sơ nào khớp. Hãy bỏ bớt điều kiện lọc.",
                    "No dossier matches. Remove some of the filters.",
                )}</p>
            }.into_any(),
            Some(Ok(found)) if found.items.is_empty() => {
                let first = query.with_untracked(|q| page_href(q, 1));
                view! {
                    <p class="notice notice-info" role="status">
                        {move || lang.get().pick("Trang này không còn hồ sơ nào. ", "This page has no dossiers left. ")}
                        <a href=first>{move || lang.get().pick("Về trang đầu", "Back to the first page")}</a>
                    </p>
                }.into_any()
            }
            Some(Ok(found)) => {
                let QueuePage { items: list, page, pages, total } = found;
                let (previous, next) = query.with_untracked(|q| (page_href(q, page.saturating_sub(1)), page_href(q, page + 1)));
                view! {
                    <p role="status">{move || match lang.get() {
                        Lang::Vi => format!("{total} hồ sơ · trang {page}/{pages}"),
                        Lang::En => format!("{total} dossier(s) · page {page} of {pages}"),
                    }}</p>
                    <ul class="queue-list">
                        {list.into_iter().map(|item| view! { <QueueCard item /> }).collect_view()}
                    </ul>
                    {(pages > 1).then(|| view! {
                        <nav class="pager" aria-label=move || lang.get().pick("Các trang hồ sơ", "Pages of dossiers")>
                            {(page > 1).then(|| view! {
                                <a class="button-secondary" rel="prev" href=previous>{move || lang.get().pick("‹ Trang trước", "‹ Previous page")}</a>
                            })}
                            <span aria-current="page">{move || match lang.get() {
                                Lang::Vi => format!("Trang {page}/{pages}"),
                                Lang::En => format!("Page {page} of {pages}"),
                            }}</span>
                            {(page < pages).then(|| view! {
                                <a class="button-secondary" rel="next" href=next>{move || lang.get().pick("Trang sau ›", "Next page ›")}</a>
                            })}
                        </nav>
                    })}
                }.into_any()
            }
        }}
        {(role != Role::Supervisor).then(|| view! {
            <section class="staff-links" aria-labelledby="assisted-start">
                <h2 id="assisted-start">{move || lang.get().pick("Nộp hồ sơ giúp người dân tại quầy", "File for a citizen at the counter")}</h2>
                <p class="hint">{move || lang.get().pick(
                    "Điền cùng biểu mẫu như người dân (được lưu trên máy, kể cả khi mất mạng); khi nộp, người dân xác nhận bằng mã gửi đến điện thoại của họ. Hồ sơ nháp của máy này ở mục “Hồ sơ của tôi”.",
                    "Fill in the same forms as citizens (kept on this tablet, even offline); on submitting, the citizen confirms with a code texted to their phone. This tablet's drafts are under “My dossiers”.",
                )}</p>
                <ul class="dossier-actions">
                    {Procedure::ALL.into_iter()
                        .filter(|p| (role == Role::TradeOfficer) == matches!(p, Procedure::PromotionNotice))
                        .map(|p| view! { <li><a class="button-secondary" href=format!("/nop/{}", p.slug())>{move || p.name(lang.get())}</a></li> })
                        .collect_view()}
                </ul>
            </section>
        })}
        <p class="dossier-actions staff-links">
            <a class="button-secondary" href="/can-bo/mat-khau">{move || lang.get().pick("Đổi mật khẩu", "Change password")}</a>
        </p>
        <SignOutButton />
    }
    .into_any()
}

/// The queue's address with the same filters at page `page` (the first without `trang`).
fn page_href(query: &leptos_router::params::ParamsMap, page: u32) -> String {
    let mut parts = Vec::new();
    for key in ["trang-thai", "thu-tuc", "tim"] {
        if let Some(value) = query.get(key).filter(|v| !v.trim().is_empty()) {
            parts.push(format!(
                "{key}={}",
                crate::platform::net::encode_component(value.trim())
            ));
        }
    }
    if page > 1 {
        parts.push(format!("trang={page}"));
    }
    if parts.is_empty() {
        "/can-bo".to_owned()
    } else {
        format!("/can-bo?{}", parts.join("&"))
    }
}

#[component]
fn QueueCard(item: QueueItem) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/can-bo/ho-so/{}", item.code);
    let received = vietnamese_time(&item.received_at);
    let procedure = item.procedure;
    let state = item.state;
    let jurisdiction = item.jurisdiction.clone();
    let class = if item.overdue {
        "dossier-card queue-late"
    } else {
        "dossier-card"
    };
    view! {
        <li class=class>
            <p class="dossier-title"><a href=href class="dossier-code">{item.code.clone()}</a></p>
            <p class="dossier-meta">{move || procedure.name(lang.get())}" · "{move || place(&jurisdiction, lang.get())}</p>
            <p>{item.applicant_name.clone()}" · "{item.applicant_phone.clone()}</p>
            <p class="dossier-state">{move || state.label(lang.get())}</p>
            <p class="dossier-meta">
                {move || lang.get().pick("Nhận lúc ", "Arrived ")}{received}" · "
                {due_view(item.due_date, item.overdue, item.due_soon, lang)}
            </p>
        </li>
    }
    .into_any()
}

/// The button text of a staff action (the audit log names actions the same way).
pub(super) const fn action_button(action: Action, lang: Lang) -> &'static str {
    match action {
        Action::Receive => lang.pick("Tiếp nhận hồ sơ", "Receive"),
        Action::RefuseIntake => lang.pick("Từ chối tiếp nhận", "Refuse at intake"),
        Action::StartProcessing => lang.pick("Bắt đầu giải quyết", "Start processing"),
        Action::RequestSupplement => lang.pick("Yêu cầu sửa đổi, bổ sung", "Request amendments"),
        Action::Approve => lang.pick("Phê duyệt, cấp kết quả", "Approve and issue"),
        Action::Reject => lang.pick("Không chấp thuận", "Reject"),
        Action::Deliver => lang.pick("Đã trả kết quả", "Result delivered"),
        Action::Extend => lang.pick("Gia hạn, gửi thư xin lỗi", "Extend with apology"),
        Action::Resubmit | Action::Lapse | Action::Withdraw => "",
    }
}

/// What approving issues, per procedure (said before the officer confirms).
const fn approve_effect(procedure: Procedure, lang: Lang) -> &'static str {
    match procedure {
        Procedure::HkdRegistration => lang.pick(
            "Ghi vào sổ đăng ký hộ kinh doanh và cấp Giấy chứng nhận đăng ký hộ kinh doanh (Mẫu 7, có mã QR).",
            "Enters the business in the register and issues its registration certificate (Form 7, with a QR code).",
        ),
        Procedure::HkdChange => lang.pick(
            "Cập nhật sổ đăng ký và cấp Giấy chứng nhận đăng ký hộ kinh doanh mới; giấy cũ hết hiệu lực.",
            "Updates the register and issues a new certificate; the old one is no longer current.",
        ),
        Procedure::HkdTermination => lang.pick(
            "Chuyển hộ kinh doanh sang tình trạng “Đã chấm dứt hoạt động” và ra Thông báo (Mẫu 13).",
            "Sets the business to “terminated” and issues the notice (Form 13).",
        ),
        Procedure::PromotionNotice => lang.pick(
            "Xác nhận đã nhận thông báo hoạt động khuyến mại (văn bản gửi thương nhân).",
            "Acknowledges the promotion notice (letter to the trader).",
        ),
    }
}

/// Whether an action needs a reason.
const fn needs_reason(action: Action) -> bool {
    matches!(
        action,
        Action::RefuseIntake | Action::Reject | Action::Extend
    )
}

/// What the officer can ask to amend: each answered field of the form, then each attachment.
fn supplement_targets(
    procedure: Procedure,
    form: &Value,
    attachments: &[AttachmentView],
    lang: Lang,
) -> Vec<(String, String)> {
    let spec = FormSpec::of(procedure);
    let mut targets = Vec::new();
    for step in spec.visible_steps(form) {
        for field in step.fields.iter().filter(|f| f.visible(form)) {
            if matches!(field.kind, Kind::Attachments | Kind::Sections(_)) {
                continue;
            }
            targets.push((
                field.path.to_owned(),
                target_label(procedure, field.path, lang),
            ));
        }
    }
    let mut kinds: Vec<&str> = attachments.iter().map(|a| a.kind.as_str()).collect();
    kinds.dedup();
    for kind in kinds {
        let target = format!("attachment:{kind}");
        let label = target_label(procedure, &target, lang);
        targets.push((target, label));
    }
    targets
}

/// `/can-bo/ho-so/{code}`: one dossier.
#[component]
pub fn StaffDossierPage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    view! {
        <p class="breadcrumb"><a href="/can-bo">{move || lang.get().pick("← Danh sách hồ sơ", "← All dossiers")}</a></p>
        <h1>{move || match lang.get() {
            Lang::Vi => format!("Hồ sơ {}", code()),
            Lang::En => format!("Dossier {}", code()),
        }}</h1>
        {move || {
            let here = format!("/can-bo/ho-so/{}", code());
            match gate(state.with(|s| s.as_ref().map(|s| s.principal.clone())), lang, &here) {
                Err(view) => view,
                Ok(principal) => {
                    let reads_only = matches!(principal, Principal::Staff { role: Role::Supervisor, .. });
                    view! { <DossierWork code=code() reads_only /> }.into_any()
                }
            }
        }}
    }
}

#[component]
fn DossierWork(code: String, reads_only: bool) -> impl IntoView {
    let lang = use_lang();
    let dossier: RwSignal<Option<Result<StaffDossier, String>>> = RwSignal::new(None);
    let done = RwSignal::new(None::<String>);
    let code = StoredValue::new(code);
    // Read once the page runs in the browser (never during the server's render).
    Effect::new(move |_| {
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let result = staff::dossier(&code.get_value(), l)
                .await
                .map_err(|e| e.message(l));
            dossier.try_set(Some(result));
        });
    });
    let on_done = Callback::new(move |(after, message): (StaffDossier, String)| {
        dossier.set(Some(Ok(after)));
        done.set(Some(message));
    });
    view! {
        {move || done.get().map(|m| view! { <p class="notice notice-ok" role="status" tabindex="-1" id="action-done">{m}</p> })}
        {move || match dossier.get() {
            None => view! { <p class="loading" role="status">{move || lang.get().pick("Đang tải hồ sơ…", "Loading the dossier…")}</p> }.into_any(),
            Some(Err(m)) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
            Some(Ok(d)) => view! { <DossierView dossier=d reads_only on_done code=code.get_value() /> }.into_any(),
        }}
    }
    .into_any()
}

#[component]
fn DossierView(
    dossier: StaffDossier,
    reads_only: bool,
    on_done: Callback<(StaffDossier, String)>,
    code: String,
) -> impl IntoView {
    let lang = use_lang();
    let s = dossier.summary.clone();
    let procedure = s.procedure;
    let state = s.state;
    let jurisdiction = s.jurisdiction.clone();
    let assisted = dossier.channel == "assisted";
    let actions: Vec<Action> = dossier
        .allowed_actions
        .iter()
        .copied()
        .filter(|a| a.actor() == Actor::Staff)
        .collect();
    let targets = StoredValue::new(supplement_targets(
        procedure,
        &dossier.form,
        &dossier.attachments,
        lang.get_untracked(),
    ));
    let form = StoredValue::new(dossier.form.clone());
    view! {
        <dl class="summary-list">
            <dt>{move || lang.get().pick("Thủ tục", "Procedure")}</dt><dd>{move || procedure.name(lang.get())}</dd>
            <dt>{move || lang.get().pick("Tình trạng", "State")}</dt><dd class="dossier-state">{move || state.label(lang.get())}</dd>
            <dt>{move || lang.get().pick("Người nộp", "Applicant")}</dt><dd>{s.applicant_name.clone()}" · "{s.applicant_phone.clone()}</dd>
            <dt>{move || lang.get().pick("Nơi giải quyết", "Office")}</dt><dd>{move || place(&jurisdiction, lang.get())}</dd>
            <dt>{move || lang.get().pick("Nhận lúc", "Arrived")}</dt><dd>{vietnamese_time(&s.received_at)}</dd>
            <dt>{move || lang.get().pick("Hạn trả kết quả", "Due")}</dt>
            <dd>{if s.due_date.is_some() { due_view(s.due_date, s.overdue, s.due_soon, lang) } else { view! { {move || lang.get().pick("Không có", "None")} }.into_any() }}</dd>
            <dt>{move || lang.get().pick("Kênh nộp", "Channel")}</dt>
            <dd>{move || if assisted { lang.get().pick("Nộp tại bộ phận một cửa, cán bộ nhập giúp", "At the counter, entered by staff") } else { lang.get().pick("Trực tuyến", "Online") }}</dd>
        </dl>
        {dossier.owner_identity_warning.is_some().then(|| view! {
            <p class="notice notice-warn owner-unverified" role="note">
                <strong>{move || lang.get().pick("Chủ hộ chưa được xác thực. ", "Owner not verified. ")}</strong>
                {move || domain::forms::filer::unverified_owner_warning(lang.get())}
            </p>
        })}
        {dossier.supplement.clone().map(|req| view! {
            <section class="notice notice-warn" aria-labelledby="open-supplement">
                <h2 id="open-supplement">{move || lang.get().pick("Đang chờ người nộp sửa đổi, bổ sung", "Waiting for the applicant's amendments")}</h2>
                {req.deadline.map(|d| view! { <p>{move || lang.get().pick("Hạn nộp bổ sung: ", "Deadline: ")}{d.format("%d/%m/%Y").to_string()}</p> })}
                <ul class="supplement-items">
                    {req.items.into_iter().map(|i| {
                        let label = target_label(procedure, &i.target, lang.get_untracked());
                        view! { <li><strong>{label}</strong>": "{i.note}</li> }
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!reads_only && !actions.is_empty()).then(|| view! {
            <ActionPanel code=code.clone() procedure actions targets=targets.get_value() on_done />
        })}
        {reads_only.then(|| view! {
            <p class="hint">{move || lang.get().pick(
                "Tài khoản giám sát chỉ xem hồ sơ, không thực hiện thao tác xử lý.",
                "A supervisor account reads dossiers and takes no action.",
            )}</p>
        })}
        <h2 class="section-title">{move || lang.get().pick("Nội dung hồ sơ", "What was filed")}</h2>
        {move || {
            let l = lang.get();
            form.with_value(|form| {
                FormSpec::of(procedure).visible_steps(form).into_iter().map(|step| {
                    let rows: Vec<(String, String)> = step.fields.iter()
                        .filter(|f| f.visible(form) && !matches!(f.kind, Kind::Attachments | Kind::Sections(_)))
                        .map(|f| (crate::forms::tr(f.label, l).to_owned(), answer_text(f, form, "", l)))
                        .collect();
                    view! {
                        <h3>{crate::forms::tr(step.title, l)}</h3>
                        <dl class="summary-list">
                            {rows.into_iter().map(|(label, value)| view! { <dt>{label}</dt><dd>{value}</dd> }).collect_view()}
                        </dl>
                    }
                }).collect_view()
            })
        }}
        <h2 class="section-title">{move || lang.get().pick("Giấy tờ đính kèm", "Attachments")}</h2>
        {if dossier.attachments.is_empty() {
            view! { <p>{move || lang.get().pick("Không có tệp đính kèm.", "No attachments.")}</p> }.into_any()
        } else {
            view! {
                <ul class="attachment-views">
                    {dossier.attachments.clone().into_iter().map(|a| {
                        let name = target_label(procedure, &format!("attachment:{}", a.kind), lang.get_untracked());
                        let size = format!("{:.1} MB", a.size as f64 / 1_048_576.0);
                        if a.media_type.starts_with("image/") {
                            view! {
                                <li>
                                    <p class="file-name">{name.clone()}" · "{a.original_name.clone()}" · "{size}</p>
                                    <a href=a.url.clone() target="_blank" rel="noopener">
                                        <img class="attachment-image" src=a.url.clone() alt=name loading="lazy" />
                                    </a>
                                </li>
                            }.into_any()
                        } else {
                            view! {
                                <li>
                                    <p class="file-name">{name}" · "{a.original_name.clone()}" · "{size}</p>
                                    <a class="button-secondary" href=a.url.clone() target="_blank" rel="noopener">
                                        {move || lang.get().pick("Mở tệp PDF", "Open the PDF")}
                                    </a>
                                </li>
                            }.into_any()
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {(!dossier.documents.is_empty()).then(|| view! {
            <h2 class="section-title">{move || lang.get().pick("Văn bản đã ban hành", "Documents issued")}</h2>
            <ul class="dossier-list">
                {dossier.documents.clone().into_iter().map(|d| view! {
                    <li class="dossier-card">
                        <p class="dossier-title">{d.title.clone()}</p>
                        <p class="dossier-meta">
                            {d.number.clone().map(|n| view! { {move || lang.get().pick("Số: ", "No. ")}{n}" · " })}
                            {vietnamese_time(&d.issued_at)}
                        </p>
                        <p class="dossier-actions">
                            <a class="button-secondary" href=d.url.clone() target="_blank" rel="noopener">{move || lang.get().pick("Tải PDF", "Download PDF")}</a>
                            {d.verify_url.clone().map(|v| view! { <a class="button-link" href=v>{move || lang.get().pick("Trang xác minh", "Verification page")}</a> })}
                        </p>
                    </li>
                }).collect_view()}
            </ul>
        })}
        <h2 class="section-title">{move || lang.get().pick("Quá trình xử lý", "Timeline")}</h2>
        <ol class="timeline">
            {dossier.timeline.clone().into_iter().map(|t| {
                let st = t.state;
                view! {
                    <li>
                        <span class="timeline-when">{vietnamese_time(&t.at)}</span>" — "{move || st.label(lang.get())}
                        {t.note.clone().map(|n| view! { <p class="timeline-note">{n}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
        // Supervisors read the audit log; the server refuses it to officers.
        {reads_only.then(|| view! { <DossierAudit code=code.clone() /> })}
    }
    .into_any()
}

/// The actions the lifecycle allows now, each with what it needs.
#[component]
fn ActionPanel(
    code: String,
    procedure: Procedure,
    actions: Vec<Action>,
    targets: Vec<(String, String)>,
    on_done: Callback<(StaffDossier, String)>,
) -> impl IntoView {
    let lang = use_lang();
    let open = RwSignal::new(None::<Action>);
    let reason = RwSignal::new(String::new());
    let new_due = RwSignal::new(String::new());
    let hkd_code = RwSignal::new(String::new());
    let items = RwSignal::new(vec![(String::new(), String::new())]);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let code = StoredValue::new(code);
    let targets = StoredValue::new(targets);

    let send = move |action: Action| {
        let l = lang.get_untracked();
        let mut body = StaffAction {
            action,
            reason: Some(reason.get_untracked().trim().to_owned()).filter(|r| !r.is_empty()),
            items: Vec::new(),
            new_due_date: None,
            hkd_code: (action == Action::Approve)
                .then(|| hkd_code.get_untracked().trim().to_owned())
                .filter(|c| !c.is_empty()),
        };
        if needs_reason(action) && body.reason.is_none() {
            failure.set(Some(
                l.pick(
                    "Nhập lý do. Lý do được ghi vào văn bản gửi người nộp hồ sơ.",
                    "Enter the reason. It is printed in the letter to the applicant.",
                )
                .to_owned(),
            ));
            return;
        }
        if action == Action::Extend {
            match domain::validation::parse_date(&new_due.get_untracked()) {
                Ok(d) => body.new_due_date = Some(d),
                Err(_) => {
                    failure.set(Some(
                        l.pick(
                            "Nhập ngày hẹn trả mới theo dạng ngày/tháng/năm, ví dụ 15/12/2026.",
                            "Enter the new due date as day/month/year, e.g. 15/12/2026.",
                        )
                        .to_owned(),
                    ));
                    return;
                }
            }
        }
        if action == Action::RequestSupplement {
            body.items = items
                .get_untracked()
                .into_iter()
                .filter(|(t, n)| !t.is_empty() && !n.trim().is_empty())
                .map(|(target, note)| SupplementItem {
                    target,
                    note: note.trim().to_owned(),
                })
                .collect();
            if body.items.is_empty() {
                failure.set(Some(
                    l.pick(
                        "Chọn ít nhất một nội dung hoặc giấy tờ cần sửa và ghi rõ cần sửa, bổ sung gì.",
                        "Choose at least one field or document and say what to amend.",
                    )
                    .to_owned(),
                ));
                return;
            }
        }
        if !needs_reason(action)
            && action != Action::RequestSupplement
            && !confirm(&match l {
                Lang::Vi => format!("{} hồ sơ {}?", action_button(action, l), code.get_value()),
                Lang::En => format!("{} dossier {}?", action_button(action, l), code.get_value()),
            })
        {
            return;
        }
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match staff::act(&code.get_value(), &body, l).await {
                Ok(after) => {
                    reason.try_set(String::new());
                    new_due.try_set(String::new());
                    items.try_set(vec![(String::new(), String::new())]);
                    open.try_set(None);
                    let message = match l {
                        Lang::Vi => format!(
                            "Đã thực hiện: {}. Tình trạng mới: {}.",
                            action_button(action, l),
                            after.summary.state.label(l)
                        ),
                        Lang::En => format!(
                            "Done: {}. New state: {}.",
                            action_button(action, l),
                            after.summary.state.label(l)
                        ),
                    };
                    on_done.run((after, message));
                }
                Err(e) => {
                    failure.try_set(Some(e.message(l)));
                }
            }
            busy.try_set(false);
        });
    };

    view! {
        <section class="action-panel" aria-labelledby="actions-title">
            <h2 id="actions-title">{move || lang.get().pick("Xử lý hồ sơ", "Process the dossier")}</h2>
            <div class="dossier-actions">
                {actions.into_iter().map(|a| {
                    let danger = matches!(a, Action::RefuseIntake | Action::Reject);
                    view! {
                        <button type="button" class="button-secondary" class:button-danger=danger
                            aria-expanded=move || if open.get() == Some(a) { "true" } else { "false" }
                            on:click=move |_| {
                                failure.set(None);
                                open.set(if open.get_untracked() == Some(a) { None } else { Some(a) });
                            }>
                            {move || action_button(a, lang.get())}
                        </button>
                    }
                }).collect_view()}
            </div>
            {move || failure.get().map(|m| view! { <p class="notice notice-error" role="alert" id="action-error">{m}</p> })}
            {move || open.get().map(|a| {
                let l = lang.get();
                view! {
                    <form class="action-form" novalidate on:submit=move |ev| { ev.prevent_default(); send(a); }>
                        <h3>{action_button(a, l)}</h3>
                        {(a == Action::Approve).then(|| view! { <p>{approve_effect(procedure, l)}</p> })}
                        {(a == Action::Approve && procedure == Procedure::HkdRegistration).then(|| view! {
                            <div class="field">
                                <label for="action-hkd-code">{l.pick("Mã số hộ kinh doanh (không bắt buộc)", "Household business code (optional)")}</label>
                                <p class="hint" id="action-hkd-code-hint">{l.pick(
                                    "Để trống thì dùng số định danh cá nhân của chủ hộ làm mã số hộ kinh doanh.",
                                    "Left empty, the owner's personal identification number becomes the business code.",
                                )}</p>
                                <input id="action-hkd-code" type="text" inputmode="numeric" autocomplete="off"
                                    aria-describedby="action-hkd-code-hint"
                                    prop:value=move || hkd_code.get() on:input=move |ev| hkd_code.set(event_target_value(&ev)) />
                            </div>
                        })}
                        {(a == Action::RefuseIntake).then(|| view! { <p class="hint">{l.pick(
                            "Người nộp nhận Phiếu từ chối tiếp nhận hồ sơ (TT 03/2025 Mẫu 03) với lý do dưới đây.",
                            "The applicant receives the refusal slip (TT 03/2025 Form 03) with the reason below.",
                        )}</p> })}
                        {(a == Action::RequestSupplement).then(|| view! {
                            <p class="hint">{l.pick(
                                "Người nộp nhận Thông báo yêu cầu sửa đổi, bổ sung hồ sơ (TT 68/2025 Mẫu 10 hoặc TT 03/2025 Mẫu 02) với từng nội dung dưới đây, và sửa ngay trên điện thoại.",
                                "The applicant receives the request for amendments (TT 68/2025 Form 10 or TT 03/2025 Form 02) with each item below, and fixes them on the phone.",
                            )}</p>
                            <SupplementRows items targets=targets.get_value() />
                        })}
                        {(a == Action::Extend).then(|| view! {
                            <p class="hint">{l.pick(
                                "Người nộp nhận Phiếu xin lỗi và hẹn lại ngày trả kết quả (TT 03/2025 Mẫu 04).",
                                "The applicant receives the apology with a new date (TT 03/2025 Form 04).",
                            )}</p>
                            <div class="field">
                                <label for="action-due">{l.pick("Ngày hẹn trả mới (ngày/tháng/năm)", "New due date (day/month/year)")}</label>
                                <input id="action-due" type="text" inputmode="numeric" class="input-date" placeholder="dd/mm/yyyy"
                                    prop:value=move || new_due.get() on:input=move |ev| new_due.set(event_target_value(&ev)) />
                            </div>
                        })}
                        {(needs_reason(a) || a == Action::RequestSupplement).then(|| view! {
                            <div class="field">
                                <label for="action-reason">{if a == Action::RequestSupplement {
                                    l.pick("Ghi chú chung (không bắt buộc)", "General note (optional)")
                                } else {
                                    l.pick("Lý do (bắt buộc)", "Reason (required)")
                                }}</label>
                                <textarea id="action-reason" rows="3" prop:value=move || reason.get()
                                    on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                            </div>
                        })}
                        <div class="dossier-actions">
                            <button type="submit" class="button-primary" disabled=busy aria-busy=move || busy.get().then_some("true")>
                                {match a {
                                    Action::RequestSupplement => l.pick("Gửi yêu cầu bổ sung", "Send the request"),
                                    _ => action_button(a, l),
                                }}
                            </button>
                            <button type="button" class="button-secondary" on:click=move |_| open.set(None)>{l.pick("Hủy", "Cancel")}</button>
                        </div>
                    </form>
                }
            })}
        </section>
    }
    .into_any()
}

/// The rows of a request for amendments: what (a field or an attachment) and the note.
#[component]
fn SupplementRows(
    items: RwSignal<Vec<(String, String)>>,
    targets: Vec<(String, String)>,
) -> impl IntoView {
    let lang = use_lang();
    let targets = StoredValue::new(targets);
    view! {
        {move || {
            let count = items.with(Vec::len);
            (0..count).map(|i| {
                let select_id = format!("supplement-target-{i}");
                let note_id = format!("supplement-note-{i}");
                view! {
                    <fieldset class="row-card">
                        <legend>{move || match lang.get() {
                            Lang::Vi => format!("Nội dung cần sửa {}", i + 1),
                            Lang::En => format!("Item {}", i + 1),
                        }}</legend>
                        <div class="field">
                            <label for=select_id.clone()>{move || lang.get().pick("Trường thông tin hoặc giấy tờ", "Field or document")}</label>
                            <select id=select_id prop:value=move || items.with(|v| v.get(i).map(|r| r.0.clone()).unwrap_or_default())
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    items.update(|v| if let Some(r) = v.get_mut(i) { r.0 = value; });
                                }>
                                <option value="">{move || lang.get().pick("— Chọn —", "— Choose —")}</option>
                                {targets.get_value().into_iter().map(|(value, label)| view! { <option value=value>{label}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for=note_id.clone()>{move || lang.get().pick("Cần sửa, bổ sung gì", "What to amend")}</label>
                            <textarea id=note_id rows="2"
                                prop:value=move || items.with(|v| v.get(i).map(|r| r.1.clone()).unwrap_or_default())
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    items.update(|v| if let Some(r) = v.get_mut(i) { r.1 = value; });
                                }></textarea>
                        </div>
                        {(count > 1).then(|| view! {
                            <button type="button" class="button-secondary button-small" on:click=move |_| items.update(|v| { v.remove(i); })>
                                {move || lang.get().pick("Bỏ mục này", "Remove this item")}
                            </button>
                        })}
                    </fieldset>
                }
            }).collect_view()
        }}
        <button type="button" class="button-secondary" on:click=move |_| items.update(|v| v.push((String::new(), String::new())))>
            {move || lang.get().pick("Thêm nội dung cần sửa", "Add an item")}
        </button>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_round_trip_through_their_wire_names() {
        for s in STATES {
            assert_eq!(parse_wire::<State>(&wire(s)), Some(s));
        }
        for p in Procedure::ALL {
            assert_eq!(parse_wire::<Procedure>(&wire(p)), Some(p));
        }
        assert_eq!(parse_wire::<State>("khong-co"), None);
    }

    #[test]
    fn every_staff_action_has_a_button_and_the_reasoned_ones_ask_for_it() {
        use Action as A;
        for a in Action::ALL
            .into_iter()
            .filter(|a| a.actor() == Actor::Staff)
        {
            assert!(!action_button(a, Lang::Vi).is_empty(), "{a:?}");
        }
        assert!(
            needs_reason(A::RefuseIntake) && needs_reason(A::Reject) && needs_reason(A::Extend)
        );
        assert!(!needs_reason(A::Approve));
    }

    #[test]
    fn an_officer_can_flag_each_answered_field_and_each_attachment() {
        let form = serde_json::json!({ "office": "21025", "hkd_name": "Hộ kinh doanh Ba" });
        let attachments = vec![AttachmentView {
            kind: "household_authorisation".into(),
            media_type: "image/jpeg".into(),
            size: 1000,
            original_name: "a.jpg".into(),
            url: "/x".into(),
        }];
        let targets = supplement_targets(Procedure::HkdRegistration, &form, &attachments, Lang::Vi);
        assert!(
            targets
                .iter()
                .any(|(t, _)| t == "attachment:household_authorisation")
        );
        assert!(targets.len() > 5, "{targets:?}");
        assert!(targets.iter().all(|(_, label)| !label.is_empty()));
    }
}
