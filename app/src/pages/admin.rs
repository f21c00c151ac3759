//! `/quan-tri/can-bo`: the administrator's staff accounts — create an account (the server makes a
//! temporary password, shown once), change an account's position (chức danh, which decides how the
//! documents it issues are signed) and a commune officer's or supervisor's communes, disable or enable
//! an account, give a new temporary password. The rules of names, jurisdictions and positions are
//! `domain::accounts`, checked here before sending and again by the server.

use domain::{
    Lang, MaXa,
    accounts::{self, AccountError, TRADE_DEPARTMENT, Title},
    api::{
        CreatedStaffAccount, NewStaffAccount, Principal, Role, StaffAccount, StaffAccountUpdate,
    },
};
use leptos::{prelude::*, task::spawn_local};

use super::{
    account::{SignOutButton, use_session},
    staff::StaffNav,
};
use crate::{i18n::use_lang, pages::form::confirm, platform::session};

const ROLES: [Role; 4] = [
    Role::CommuneOfficer,
    Role::TradeOfficer,
    Role::Supervisor,
    Role::Administrator,
];

/// A jurisdiction as people read it: the commune's name, or the Sở Công Thương.
fn jurisdiction_name(code: &str, lang: Lang) -> String {
    if code == TRADE_DEPARTMENT {
        lang.pick("Sở Công Thương", "Department of Industry and Trade")
            .to_owned()
    } else {
        MaXa::parse(code).map_or_else(|_| code.to_owned(), |c| c.name().to_owned())
    }
}

fn jurisdictions_text(codes: &[String], lang: Lang) -> String {
    if codes.is_empty() {
        return lang.pick("Không có", "None").to_owned();
    }
    codes
        .iter()
        .map(|c| jurisdiction_name(c, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The jurisdictions a role starts with when chosen in the form.
fn default_jurisdictions(role: Role, current: &[String]) -> Vec<String> {
    match role {
        Role::TradeOfficer => vec![TRADE_DEPARTMENT.to_owned()],
        Role::Administrator => Vec::new(),
        Role::CommuneOfficer => current
            .iter()
            .filter(|c| *c != TRADE_DEPARTMENT)
            .cloned()
            .collect(),
        Role::Supervisor => current.to_vec(),
    }
}

/// The errors of a new account, by field, as `domain::accounts` finds them.
fn check_new(
    username: &str,
    display_name: &str,
    role: Role,
    jurisdictions: &[String],
    title: Title,
) -> Vec<AccountError> {
    let mut errors = Vec::new();
    if let Err(e) = accounts::parse_display_name(display_name) {
        errors.push(e);
    }
    if let Err(e) = accounts::parse_username(username) {
        errors.push(e);
    }
    match accounts::parse_jurisdictions(role, jurisdictions) {
        Err(e) => errors.push(e),
        Ok(list) => {
            if let Err(e) = accounts::check_title(title, &list) {
                errors.push(e);
            }
        }
    }
    errors
}

/// Picks the position (chức danh) among those the jurisdictions allow ([`Title::choices`]); a
/// position they no longer allow falls back to chuyên viên. Nothing for an administrator, who issues
/// no document.
#[component]
fn TitleSelect(
    /// The select's id.
    #[prop(into)]
    id: String,
    /// The account's role.
    role: Signal<Role>,
    /// The jurisdictions chosen.
    chosen: RwSignal<Vec<String>>,
    /// The position chosen.
    title: RwSignal<Title>,
    /// The error to show, if any.
    error: Signal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    Effect::new(move |_| {
        let allowed = chosen.with(|c| Title::choices(c).contains(&title.get()));
        if !allowed {
            title.set(Title::ChuyenVien);
        }
    });
    let hint_id = format!("{id}-hint");
    let err_id = format!("{id}-err");
    let described = {
        let (hint_id, err_id) = (hint_id.clone(), err_id.clone());
        move || {
            if error.with(Option::is_some) {
                format!("{hint_id} {err_id}")
            } else {
                hint_id.clone()
            }
        }
    };
    move || {
        (role.get() != Role::Administrator).then(|| {
            let described = described.clone();
            view! {
                <div class="field" class:field-invalid=move || error.with(Option::is_some)>
                    <label for=id.clone()>{move || lang.get().pick("Chức danh", "Position")}</label>
                    <p class="hint" id=hint_id.clone()>{move || lang.get().pick(
                        "Quyết định cách ký văn bản cán bộ ban hành: ở Phòng Kinh tế của xã, phường, Trưởng phòng ký «TRƯỞNG PHÒNG», Phó Trưởng phòng ký «KT. TRƯỞNG PHÒNG»; ở Sở Công Thương, Giám đốc ký «GIÁM ĐỐC», Phó Giám đốc ký «KT. GIÁM ĐỐC», Trưởng, Phó Trưởng Phòng Quản lý thương mại ký «TL. GIÁM ĐỐC»; chuyên viên ký «CÁN BỘ XỬ LÝ HỒ SƠ». Giám đốc, Phó Giám đốc chỉ dành cho tài khoản của Sở Công Thương.",
                        "Decides how the documents this person issues are signed: at a commune's office, the head as head and a deputy on the head's behalf (KT.); at the Department of Industry and Trade, the director as director, a deputy director on the director's behalf (KT.), the head or deputy head of the trade management unit by the director's order (TL.); an officer as the officer handling the dossier. Director and deputy director are for the Department of Industry and Trade only.",
                    )}</p>
                    {
                        let err_id = err_id.clone();
                        move || error.get().map(|m| view! { <p class="field-error" id=err_id.clone() role="alert">{m}</p> })
                    }
                    <select id=id.clone() aria-describedby=described
                        aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                        prop:value=move || title.get().as_str()
                        on:change=move |ev| {
                            if let Some(t) = Title::parse(&event_target_value(&ev)) {
                                title.set(t);
                            }
                        }>
                        {move || chosen.with(|c| Title::choices(c)).iter().map(|t| {
                            let t = *t;
                            view! {
                                <option value=t.as_str() selected=move || title.get() == t>{move || t.label(lang.get())}</option>
                            }
                        }).collect_view()}
                    </select>
                </div>
            }
        })
    }
}

/// Picks communes (and, for a supervisor, the Sở Công Thương): a filter by name and a list of boxes.
#[component]
fn JurisdictionPicker(
    /// The id prefix of the inputs.
    #[prop(into)]
    id: String,
    /// The role the choice is for.
    role: Signal<Role>,
    /// The codes chosen.
    chosen: RwSignal<Vec<String>>,
    /// The error to show, if any.
    error: Signal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let filter = RwSignal::new(String::new());
    let toggle = move |code: String, on: bool| {
        chosen.update(|list| {
            list.retain(|c| *c != code);
            if on {
                list.push(code);
                list.sort();
            }
        });
    };
    let communes = move || {
        let q = filter.get();
        let mut list: Vec<_> = if q.trim().is_empty() {
            domain::data::communes().collect()
        } else {
            domain::search_communes(&q)
        };
        list.sort_by_key(|c| domain::text::fold(c.name));
        list
    };
    let filter_id = format!("{id}-search");
    let err_id = format!("{id}-err");
    let id = StoredValue::new(id);
    view! {
        <fieldset class="field" class:field-invalid=move || error.with(Option::is_some)
            aria-describedby={
                let err_id = err_id.clone();
                move || error.with(Option::is_some).then(|| err_id.clone())
            }>
            <legend>{move || lang.get().pick("Địa bàn phụ trách", "Jurisdiction")}</legend>
            {
                let err_id = err_id.clone();
                move || error.get().map(|m| view! { <p class="field-error" id=err_id.clone() role="alert">{m}</p> })
            }
            {move || match role.get() {
                Role::Administrator => view! {
                    <p class="hint">{move || lang.get().pick(
                        "Quản trị viên không phụ trách địa bàn và không xem hồ sơ.",
                        "An administrator covers no jurisdiction and sees no dossier.",
                    )}</p>
                }.into_any(),
                Role::TradeOfficer => view! {
                    <p class="hint">{move || lang.get().pick(
                        "Sở Công Thương (thông báo hoạt động khuyến mại).",
                        "Department of Industry and Trade (promotion notices).",
                    )}</p>
                }.into_any(),
                r => view! {
                    <p class="hint" aria-live="polite">
                        {move || lang.get().pick("Đã chọn: ", "Chosen: ")}
                        {move || jurisdictions_text(&chosen.get(), lang.get())}
                    </p>
                    {(r == Role::Supervisor).then(|| view! {
                        <div class="check">
                            <input id=format!("{}-sct", id.get_value()) type="checkbox"
                                prop:checked=move || chosen.with(|c| c.iter().any(|j| j == TRADE_DEPARTMENT))
                                on:change=move |ev| toggle(TRADE_DEPARTMENT.to_owned(), event_target_checked(&ev)) />
                            <label for=format!("{}-sct", id.get_value())>{move || lang.get().pick(
                                "Sở Công Thương (thông báo khuyến mại)",
                                "Department of Industry and Trade (promotion notices)",
                            )}</label>
                        </div>
                    })}
                    <label class="sub-label" for=filter_id.clone()>
                        {move || lang.get().pick("Tìm xã, phường, đặc khu theo tên", "Find a commune by name")}
                    </label>
                    <input id=filter_id.clone() type="search" class="picker-search" autocomplete="off"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev)) />
                    <div class="choice-scroll" role="group"
                        aria-label=move || lang.get().pick("Xã, phường, đặc khu", "Communes")>
                        {move || {
                            let list = communes();
                            if list.is_empty() {
                                return view! {
                                    <p class="picker-empty">{move || lang.get().pick(
                                        "Không có xã, phường nào khớp tên này.",
                                        "No commune matches this name.",
                                    )}</p>
                                }.into_any();
                            }
                            list.into_iter().map(|c| {
                                let code = c.code.to_string();
                                let box_id = format!("{}-{code}", id.get_value());
                                let (checked_code, change_code) = (code.clone(), code);
                                view! {
                                    <div class="check">
                                        <input id=box_id.clone() type="checkbox"
                                            prop:checked=move || chosen.with(|l| l.contains(&checked_code))
                                            on:change=move |ev| toggle(change_code.clone(), event_target_checked(&ev)) />
                                        <label for=box_id>{c.name}</label>
                                    </div>
                                }
                            }).collect_view().into_any()
                        }}
                    </div>
                }.into_any(),
            }}
        </fieldset>
    }
    .into_any()
}

/// The page.
#[component]
pub fn StaffAdminPage() -> impl IntoView {
    let lang = use_lang();
    let state = use_session();
    let role = move || {
        state.with(|s| {
            s.as_ref().map(|s| match &s.principal {
                Principal::Staff {
                    role,
                    must_change_password,
                    ..
                } => Some((*role, *must_change_password)),
                _ => None,
            })
        })
    };
    view! {
        <h1>{move || lang.get().pick("Quản lý tài khoản cán bộ", "Staff accounts")}</h1>
        {move || match role() {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang kiểm tra đăng nhập…", "Checking sign-in…")}</p>
            }.into_any(),
            Some(Some((_, true))) => view! {
                <p class="notice notice-warn" role="status">
                    {move || lang.get().pick("Hãy đổi mật khẩu tạm thời trước. ", "Change your temporary password first. ")}
                    <a href="/can-bo/mat-khau">{move || lang.get().pick("Đổi mật khẩu", "Change password")}</a>
                </p>
            }.into_any(),
            Some(Some((Role::Administrator, false))) => view! { <AdminWork /> }.into_any(),
            Some(Some(_)) => view! {
                <p class="notice notice-error" role="alert">{move || lang.get().pick(
                    "Trang này chỉ dành cho quản trị viên. Tài khoản của bạn không có quyền quản lý cán bộ.",
                    "This page is for administrators only. Your account cannot manage staff.",
                )}</p>
                <p><a href="/can-bo">{move || lang.get().pick("Về trang làm việc", "Back to the workspace")}</a></p>
            }.into_any(),
            Some(None) => view! {
                <p class="notice notice-info" role="status">
                    {move || lang.get().pick("Trang này dành cho quản trị viên đã đăng nhập. ", "This page is for signed-in administrators. ")}
                    <a href="/can-bo/dang-nhap?next=/quan-tri/can-bo">{move || lang.get().pick("Đăng nhập cán bộ", "Staff sign-in")}</a>
                </p>
            }.into_any(),
        }}
    }
}

/// The list and the form, once the administrator is known.
#[component]
fn AdminWork() -> impl IntoView {
    let lang = use_lang();
    let accounts_list: RwSignal<Option<Result<Vec<StaffAccount>, String>>> = RwSignal::new(None);
    let announced = RwSignal::new(None::<CreatedStaffAccount>);
    let load = move || {
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let result = session::staff_accounts(l).await.map_err(|e| e.message(l));
            accounts_list.try_set(Some(result));
        });
    };
    Effect::new(move |_| load());
    view! {
        <StaffNav role=Role::Administrator current="/quan-tri/can-bo" />
        <p class="lead">{move || lang.get().pick(
            "Tạo tài khoản cho cán bộ, giao địa bàn, khóa tài khoản khi cán bộ nghỉ việc. Mật khẩu tạm thời chỉ hiện một lần; cán bộ phải đổi khi đăng nhập lần đầu.",
            "Create staff accounts, assign jurisdictions, disable an account when someone leaves. A temporary password shows once; the staff member must change it at the first sign-in.",
        )}</p>
        {move || announced.get().map(|created| {
            let who = created.account.display_name.clone();
            let login = created.account.username.clone();
            let password = created.password.clone();
            view! {
                <div class="notice notice-ok" role="status" tabindex="-1" id="temporary-password">
                    <p>{move || match lang.get() {
                        Lang::Vi => format!("Mật khẩu tạm thời của {who} (tên đăng nhập {login}):"),
                        Lang::En => format!("Temporary password of {who} (login name {login}):"),
                    }}</p>
                    <p class="dossier-code">{password}</p>
                    <p>{move || lang.get().pick(
                        "Hãy ghi lại và trao trực tiếp cho cán bộ. Mật khẩu này sẽ không hiện lại; nếu quên, hãy cấp lại mật khẩu mới.",
                        "Note it down and hand it over in person. It will not show again; if it is lost, give a new one.",
                    )}</p>
                    <button type="button" class="button-secondary button-small" on:click=move |_| announced.set(None)>
                        {move || lang.get().pick("Đã ghi lại, ẩn mật khẩu", "Noted, hide it")}
                    </button>
                </div>
            }
        })}
        <h2 class="section-title">{move || lang.get().pick("Thêm cán bộ", "Add a staff member")}</h2>
        <NewAccountForm on_created=Callback::new(move |created: CreatedStaffAccount| {
            announced.set(Some(created));
            load();
        }) />
        <h2 class="section-title">{move || lang.get().pick("Tài khoản hiện có", "Accounts")}</h2>
        {move || match accounts_list.get() {
            None => view! {
                <p class="loading" role="status">{move || lang.get().pick("Đang tải danh sách…", "Loading…")}</p>
            }.into_any(),
            Some(Err(m)) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="dossier-list staff-list">
                    {list.into_iter().map(|account| view! {
                        <AccountCard account on_changed=Callback::new(move |created: Option<CreatedStaffAccount>| {
                            if created.is_some() {
                                announced.set(created);
                            }
                            load();
                        }) />
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
        <SignOutButton />
    }
    .into_any()
}

/// The form that adds an account.
#[component]
fn NewAccountForm(on_created: Callback<CreatedStaffAccount>) -> impl IntoView {
    let lang = use_lang();
    let display_name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::CommuneOfficer);
    let chosen = RwSignal::new(Vec::<String>::new());
    let title = RwSignal::new(Title::ChuyenVien);
    let errors = RwSignal::new(Vec::<AccountError>::new());
    let server_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            errors.with(|e| {
                e.iter()
                    .find(|e| e.field() == field)
                    .map(|e| e.message(lang.get()))
            })
        })
    };
    let submit = move || {
        let (u, d, r, j, t) = (
            username.get_untracked(),
            display_name.get_untracked(),
            role.get_untracked(),
            chosen.get_untracked(),
            title.get_untracked(),
        );
        let found = check_new(&u, &d, r, &j, t);
        if !found.is_empty() {
            errors.set(found);
            server_error.set(None);
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        let account = NewStaffAccount {
            username: u.trim().to_ascii_lowercase(),
            display_name: d,
            role: r,
            jurisdictions: j,
            title: t,
        };
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match session::create_staff(&account, l).await {
                Ok(created) => {
                    server_error.try_set(None);
                    for s in [display_name, username] {
                        s.try_set(String::new());
                    }
                    chosen.try_set(Vec::new());
                    title.try_set(Title::ChuyenVien);
                    on_created.run(created);
                }
                Err(e) => {
                    server_error.try_set(Some(e.message(l)));
                }
            }
            busy.try_set(false);
        });
    };
    let text_field = move |id: &'static str,
                           field: &'static str,
                           label: (&'static str, &'static str),
                           hint: Option<(&'static str, &'static str)>,
                           value: RwSignal<String>| {
        let error = error_of(field);
        let described = move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(format!("{id}-hint"));
            }
            if error.with(Option::is_some) {
                ids.push(format!("{id}-err"));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        };
        view! {
            <div class="field" class:field-invalid=move || error.with(Option::is_some)>
                <label for=id>{move || lang.get().pick(label.0, label.1)}</label>
                {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{move || lang.get().pick(h.0, h.1)}</p> })}
                {move || error.get().map(|m| view! { <p class="field-error" id=format!("{id}-err")>{m}</p> })}
                <input id=id type="text" autocomplete="off" spellcheck="false"
                    aria-describedby=described
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    view! {
        <form class="admin-form" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            {move || (!errors.with(Vec::is_empty)).then(|| view! {
                <div class="error-summary" role="alert">
                    <h3>{move || lang.get().pick("Cần sửa trước khi tạo tài khoản", "Fix these before creating the account")}</h3>
                    <ul>
                        {errors.get().into_iter().map(|e| {
                            let href = match e.field() {
                                "username" => "#new-username",
                                "display_name" => "#new-name",
                                "title" => "#new-title",
                                _ => "#new-jurisdiction-search",
                            };
                            view! { <li><a href=href>{e.message(lang.get())}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            })}
            {move || server_error.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            {text_field("new-name", "display_name", ("Họ và tên", "Full name"), None, display_name)}
            {text_field("new-username", "username", ("Tên đăng nhập", "Login name"),
                Some(("3–32 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới, gạch ngang. Ví dụ: nguyen.van.a", "3–32 characters: lower-case letters without accents, digits, dot, underscore, hyphen. E.g. nguyen.van.a")),
                username)}
            <fieldset class="field">
                <legend>{move || lang.get().pick("Vai trò", "Role")}</legend>
                <div class="choices">
                    {ROLES.into_iter().map(|r| {
                        let id = format!("new-role-{}", r.as_str());
                        view! {
                            <div class="check">
                                <input id=id.clone() type="radio" name="new-role"
                                    prop:checked=move || role.get() == r
                                    on:change=move |_| {
                                        role.set(r);
                                        chosen.update(|c| *c = default_jurisdictions(r, c));
                                    } />
                                <label for=id>{move || r.label(lang.get())}</label>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            <JurisdictionPicker id="new-jurisdiction" role=Signal::derive(move || role.get()) chosen error=error_of("jurisdictions") />
            <TitleSelect id="new-title" role=Signal::derive(move || role.get()) chosen title error=error_of("title") />
            <button type="submit" class="button-primary" disabled=busy aria-busy=move || busy.get().then_some("true")>
                {move || lang.get().pick("Tạo tài khoản", "Create the account")}
            </button>
        </form>
    }
    .into_any()
}

/// One account with its actions.
#[component]
fn AccountCard(
    account: StaffAccount,
    /// Called after a change; with the new temporary password after a reset.
    on_changed: Callback<Option<CreatedStaffAccount>>,
) -> impl IntoView {
    let lang = use_lang();
    let editing = RwSignal::new(false);
    let chosen = RwSignal::new(account.jurisdictions.clone());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(account.id.clone());
    let role = account.role;
    let current_title = account.title;
    let title = RwSignal::new(account.title);
    let disabled = account.disabled;
    let name = StoredValue::new(account.display_name.clone());
    let edit_error = RwSignal::new(None::<AccountError>);

    let run = move |update: Option<StaffAccountUpdate>| {
        busy.set(true);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let id = id.get_value();
            let result = match update {
                Some(u) => session::update_staff(&id, &u, l).await.map(|_| None),
                None => session::reset_staff_password(&id, l).await.map(Some),
            };
            match result {
                Ok(created) => {
                    failure.try_set(None);
                    editing.try_set(false);
                    on_changed.run(created);
                }
                Err(e) => {
                    failure.try_set(Some(e.message(l)));
                }
            }
            busy.try_set(false);
        });
    };
    let toggle = move |_| {
        let l = lang.get_untracked();
        let question = match (disabled, l) {
            (false, Lang::Vi) => format!(
                "Khóa tài khoản của {}? Cán bộ sẽ bị đăng xuất ngay và không đăng nhập được nữa.",
                name.get_value()
            ),
            (false, Lang::En) => format!(
                "Disable {}'s account? They are signed out at once and cannot sign in.",
                name.get_value()
            ),
            (true, Lang::Vi) => format!("Mở khóa tài khoản của {}?", name.get_value()),
            (true, Lang::En) => format!("Enable {}'s account again?", name.get_value()),
        };
        if confirm(&question) {
            run(Some(StaffAccountUpdate {
                disabled: Some(!disabled),
                jurisdictions: None,
                title: None,
            }));
        }
    };
    let reset = move |_| {
        let question = match lang.get_untracked() {
            Lang::Vi => format!(
                "Cấp mật khẩu tạm thời mới cho {}? Mật khẩu cũ sẽ không dùng được nữa.",
                name.get_value()
            ),
            Lang::En => format!(
                "Give {} a new temporary password? The old one stops working.",
                name.get_value()
            ),
        };
        if confirm(&question) {
            run(None);
        }
    };
    let has_jurisdiction = matches!(role, Role::CommuneOfficer | Role::Supervisor);
    let save = move |_| {
        let checked = accounts::parse_jurisdictions(role, &chosen.get_untracked())
            .and_then(|list| Ok((accounts::check_title(title.get_untracked(), &list)?, list)));
        match checked {
            Ok((t, list)) => {
                edit_error.set(None);
                run(Some(StaffAccountUpdate {
                    disabled: None,
                    jurisdictions: has_jurisdiction.then_some(list),
                    title: Some(t),
                }));
            }
            Err(e) => edit_error.set(Some(e)),
        }
    };
    let cancel = move |_| {
        editing.set(false);
        edit_error.set(None);
        title.set(current_title);
    };
    let picker_id = StoredValue::new(format!("edit-{}", account.id));
    let editable = role != Role::Administrator;
    let jurisdictions = account.jurisdictions.clone();
    let error_of = move |field: &'static str| {
        Signal::derive(move || {
            edit_error
                .get()
                .filter(|e| (e.field() == "title") == (field == "title"))
                .map(|e| e.message(lang.get()))
        })
    };
    view! {
        <li class="dossier-card">
            <p class="dossier-title">{account.display_name.clone()}</p>
            <p class="dossier-meta">
                {account.username.clone()}" · "{move || role.label(lang.get())}
                {editable.then(|| view! { " · "{move || current_title.label(lang.get())} })}
            </p>
            <p>{move || lang.get().pick("Địa bàn: ", "Jurisdiction: ")}{move || jurisdictions_text(&jurisdictions, lang.get())}</p>
            <p class="dossier-state">
                {move || match (disabled, lang.get()) {
                    (true, l) => l.pick("Đã khóa", "Disabled"),
                    (false, l) => l.pick("Đang hoạt động", "Active"),
                }}
                {account.must_change_password.then(|| view! {
                    " · "{move || lang.get().pick("chưa đổi mật khẩu tạm thời", "temporary password not changed yet")}
                })}
            </p>
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            {move || editing.get().then(|| view! {
                <TitleSelect id=format!("{}-title", picker_id.get_value()) role=Signal::derive(move || role)
                    chosen title error=error_of("title") />
                {has_jurisdiction.then(|| view! {
                    <JurisdictionPicker id=picker_id.get_value() role=Signal::derive(move || role) chosen
                        error=error_of("jurisdictions") />
                })}
                <div class="dossier-actions">
                    <button type="button" class="button" on:click=save disabled=busy>
                        {move || lang.get().pick("Lưu thay đổi", "Save changes")}
                    </button>
                    <button type="button" class="button-secondary" on:click=cancel>
                        {move || lang.get().pick("Hủy", "Cancel")}
                    </button>
                </div>
            })}
            <div class="dossier-actions">
                {editable.then(|| view! {
                    <button type="button" class="button-secondary button-small" disabled=busy
                        on:click=move |_| editing.set(true)>
                        {move || if has_jurisdiction {
                            lang.get().pick("Sửa chức danh, địa bàn", "Change position, jurisdiction")
                        } else {
                            lang.get().pick("Sửa chức danh", "Change position")
                        }}
                    </button>
                })}
                <button type="button" class="button-secondary button-small" disabled=busy on:click=reset>
                    {move || lang.get().pick("Cấp lại mật khẩu", "New password")}
                </button>
                <button type="button" class="button-secondary button-small" class:button-danger=!disabled
                    disabled=busy on:click=toggle>
                    {move || if disabled { lang.get().pick("Mở khóa", "Enable") } else { lang.get().pick("Khóa tài khoản", "Disable") }}
                </button>
            </div>
        </li>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_change_keeps_only_the_jurisdictions_it_may_have() {
        let current = vec!["21025".to_owned(), "SCT".to_owned()];
        assert_eq!(default_jurisdictions(Role::TradeOfficer, &current), ["SCT"]);
        assert_eq!(
            default_jurisdictions(Role::CommuneOfficer, &current),
            ["21025"]
        );
        assert!(default_jurisdictions(Role::Administrator, &current).is_empty());
        assert_eq!(default_jurisdictions(Role::Supervisor, &current), current);
    }

    #[test]
    fn the_form_reports_every_field_the_domain_refuses() {
        let errors = check_new("A B", "", Role::CommuneOfficer, &[], Title::ChuyenVien);
        let fields: Vec<_> = errors.iter().map(AccountError::field).collect();
        assert_eq!(fields, ["display_name", "username", "jurisdictions"]);
        assert!(
            check_new(
                "nguyen.van.a",
                "Nguyễn Văn A",
                Role::TradeOfficer,
                &["SCT".into()],
                Title::PhoGiamDoc,
            )
            .is_empty()
        );
        let commune = domain::data::communes().next().map(|c| c.code.to_string());
        let errors = check_new(
            "nguyen.van.a",
            "Nguyễn Văn A",
            Role::CommuneOfficer,
            &[commune.unwrap_or_default()],
            Title::GiamDoc,
        );
        let fields: Vec<_> = errors.iter().map(AccountError::field).collect();
        assert_eq!(fields, ["title"], "a Giám đốc of a commune");
    }

    #[test]
    fn jurisdictions_read_as_names() {
        let first = domain::data::communes().next().map(|c| c.code.to_string());
        let first = first.unwrap_or_default();
        let text = jurisdictions_text(&[first, "SCT".into()], Lang::Vi);
        assert!(text.ends_with(", Sở Công Thương"), "{text}");
        assert!(!text.starts_with(char::is_numeric), "{text}");
    }
}
