//! Filling a procedure's form: `/nop/{slug}` starts a draft, `/soan/{id}/{step}` edits one step of it,
//! `/soan/{id}/kiem-tra` shows every answer with change links and sends it.
//!
//! The draft lives on the phone (IndexedDB through `platform::store`); these pages render a short
//! "opening" line on the server and do their work once hydrated. Every keystroke updates the draft's
//! JSON; the page saves it after a short pause and before moving between steps, and says so.

mod attachments;
pub mod check;
mod lines;
pub mod widgets;

use domain::{Lang, Procedure};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    components::A,
    hooks::{use_navigate, use_params_map},
};
use serde_json::{Value, json};

use check::CheckAnswers;
use widgets::{FormCtx, anchor_of, field_view};

use crate::{
    forms::{self, FormSpec, path, tr},
    i18n::use_lang,
    platform::{
        self,
        store::{self, DraftStatus, SavedDraft},
    },
};

/// The slug of the "check your answers" page.
pub const CHECK: &str = "kiem-tra";

/// Today in Việt Nam by the phone's clock.
#[must_use]
pub fn today() -> chrono::NaiveDate {
    forms::vietnam_today(platform::now_ms())
}

/// Asks the user to confirm a destructive action (always yes on the server's render).
#[must_use]
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        true
    }
}

/// An element of the page by id.
#[cfg(feature = "hydrate")]
#[must_use]
pub fn element_by_id(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// An element of the page by id (none on the server).
#[cfg(not(feature = "hydrate"))]
#[must_use]
pub fn element_by_id(_id: &str) -> Option<web_sys::Element> {
    None
}

/// Ticks or unticks a checkbox element.
pub fn set_checked(element: &web_sys::Element, on: bool) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast as _;
        if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            input.set_checked(on);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (element, on);
    }
}

/// Moves the focus to an element after the next render (a new row, the error summary).
pub fn focus_later(id: Option<String>) {
    #[cfg(feature = "hydrate")]
    if let Some(id) = id {
        request_animation_frame(move || {
            use wasm_bindgen::JsCast as _;
            if let Some(el) =
                element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = el.focus();
                el.scroll_into_view();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    drop(id);
}

/// How the autosave stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    /// Everything typed is on the phone.
    Saved,
    /// A change waits to be saved.
    Saving,
    /// The last save failed: why.
    Failed(String),
}

/// The autosaving draft behind a form page.
#[derive(Clone, Copy)]
pub struct DraftHandle {
    /// The saved record as loaded (status, id, version).
    pub saved: StoredValue<SavedDraft>,
    /// The data being edited.
    pub data: RwSignal<Value>,
    /// The autosave's state.
    pub state: RwSignal<SaveState>,
    generation: StoredValue<u64>,
}

impl DraftHandle {
    fn new(saved: SavedDraft) -> Self {
        let data = RwSignal::new(saved.draft.data.clone());
        let handle = Self {
            saved: StoredValue::new(saved),
            data,
            state: RwSignal::new(SaveState::Saved),
            generation: StoredValue::new(0),
        };
        let first = StoredValue::new(true);
        let timer: StoredValue<Option<TimeoutHandle>> = StoredValue::new(None);
        Effect::new(move |_| {
            data.track();
            if first.get_value() {
                first.set_value(false);
                return;
            }
            handle.state.set(SaveState::Saving);
            if let Some(t) = timer.get_value() {
                t.clear();
            }
            let next = set_timeout_with_handle(
                move || {
                    timer.try_set_value(None);
                    spawn_local(async move {
                        let _ = handle.save().await;
                    });
                },
                std::time::Duration::from_millis(400),
            )
            .ok();
            timer.set_value(next);
        });
        // Leaving the page (another route, another draft) with a change still waiting for its timer:
        // write it now, from plain values, since the signals are about to go away.
        on_cleanup(move || {
            let Some(Some(pending)) = timer.try_get_value() else {
                return;
            };
            pending.clear();
            if let (Some(mut record), Some(data)) =
                (handle.saved.try_get_value(), data.try_get_untracked())
            {
                record.draft.data = data;
                record.draft.updated_at = platform::now_rfc3339();
                spawn_local(async move {
                    let _ = store::put_draft(&record).await;
                });
            }
        });
        handle
    }

    /// Saves now; the state says how it went.
    ///
    /// # Errors
    /// The message shown to the user.
    pub async fn save(self) -> Result<(), String> {
        // A save started by a page that has since gone away has nothing left to save.
        let (Some(generation), Some(mut record), Some(data)) = (
            self.generation.try_get_value(),
            self.saved.try_get_value(),
            self.data.try_get_untracked(),
        ) else {
            return Ok(());
        };
        let generation = generation + 1;
        self.generation.set_value(generation);
        record.draft.data = data;
        record.draft.updated_at = platform::now_rfc3339();
        let result = store::put_draft(&record).await;
        let lang = crate::i18n::current_lang();
        match result {
            Ok(()) => {
                self.saved.try_set_value(record);
                if self.generation.try_get_value() == Some(generation) {
                    self.state.try_set(SaveState::Saved);
                }
                Ok(())
            }
            Err(e) => {
                let message = e.message(lang);
                self.state.try_set(SaveState::Failed(message.clone()));
                Err(message)
            }
        }
    }
}

/// The "Đã lưu trên máy" line.
#[component]
pub fn SaveStatus(state: RwSignal<SaveState>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <p class="save-status" role="status" aria-live="polite">
            {move || match state.get() {
                SaveState::Saved => view! {
                    <span class="saved">{lang.get().pick("✓ Đã lưu trên máy", "✓ Saved on this phone")}</span>
                }
                .into_any(),
                SaveState::Saving => view! {
                    <span class="saving">{lang.get().pick("Đang lưu…", "Saving…")}</span>
                }
                .into_any(),
                SaveState::Failed(m) => view! {
                    <span class="save-failed">{lang.get().pick("Chưa lưu được: ", "Not saved: ")}{m}</span>
                }
                .into_any(),
            }}
        </p>
    }
}

/// How loading a draft went.
#[derive(Debug, Clone)]
enum Load {
    Loading,
    Ready(SavedDraft),
    Missing,
    Failed(String),
}

/// Loads a draft by the `id` route parameter and renders `body` with it.
fn with_draft(
    body: impl Fn(DraftHandle) -> AnyView + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let load = RwSignal::new(Load::Loading);
    Effect::new(move |_| {
        let id = id.get();
        spawn_local(async move {
            let result = match store::get_draft(&id).await {
                Ok(Some(d)) => Load::Ready(d),
                Ok(None) => Load::Missing,
                Err(e) => Load::Failed(e.message(crate::i18n::current_lang())),
            };
            load.try_set(result);
        });
    });
    move || {
        match load.get() {
        Load::Loading => view! {
            <p class="loading" role="status">
                {move || lang.get().pick("Đang mở hồ sơ trên máy…", "Opening the dossier on this phone…")}
            </p>
        }
        .into_any(),
        Load::Missing => view! {
            <h1>{move || lang.get().pick("Không có hồ sơ này trên máy", "This dossier is not on this phone")}</h1>
            <p>
                {move || lang.get().pick(
                    "Hồ sơ nháp chỉ được lưu trên máy đã tạo ra nó. Hãy xem danh sách hồ sơ của bạn, hoặc bắt đầu hồ sơ mới.",
                    "Drafts are kept only on the phone that made them. See your dossiers, or start a new one.",
                )}
            </p>
            <p><A href="/ho-so">{move || lang.get().pick("Hồ sơ của tôi", "My dossiers")}</A></p>
        }
        .into_any(),
        Load::Failed(m) => view! {
            <h1>{move || lang.get().pick("Không mở được hồ sơ", "Could not open the dossier")}</h1>
            <p class="field-error" role="alert">{m}</p>
        }
        .into_any(),
        Load::Ready(saved) => body(DraftHandle::new(saved)),
    }
    }
}

/// `/nop/{slug}`: makes a new draft (with what the phone already knows of the applicant) and opens it.
#[component]
pub fn StartPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let procedure = Memo::new(move |_| {
        params
            .read()
            .get("slug")
            .and_then(|s| s.parse::<Procedure>().ok())
    });
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let navigate = use_navigate();
    Effect::new(move |_| {
        let Some(procedure) = procedure.get() else {
            return;
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let id = store::new_id();
            let mut draft = domain::Draft::new(domain::DraftId(id.clone()), procedure);
            draft.data = prefill(procedure, store::get_profile().await.ok().flatten());
            draft.updated_at = platform::now_rfc3339();
            match store::put_draft(&SavedDraft::new(draft)).await {
                Ok(()) => {
                    let _ = store::request_persistence().await;
                    let first = FormSpec::of(procedure).steps[0].slug;
                    navigate(
                        &format!("/soan/{id}/{first}"),
                        NavigateOptions {
                            replace: true,
                            ..NavigateOptions::default()
                        },
                    );
                }
                Err(e) => {
                    problem.try_set(Some(e.message(crate::i18n::current_lang())));
                }
            }
        });
    });
    view! {
        <h1>{move || procedure.get().map(|p| p.name(lang.get()))}</h1>
        {move || match problem.get() {
            None => view! {
                <p class="loading" role="status">
                    {move || lang.get().pick("Đang tạo hồ sơ mới trên máy…", "Making a new dossier on this phone…")}
                </p>
                <noscript>
                    <p>{lang.get().pick(
                        "Cần bật JavaScript để điền hồ sơ trên máy.",
                        "JavaScript is needed to fill in a dossier on the phone.",
                    )}</p>
                </noscript>
            }
            .into_any(),
            Some(m) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
        }}
    }
}

/// What a new draft starts with ("tell us once"): the applicant's own details from the last dossier.
#[must_use]
pub fn prefill(procedure: Procedure, profile: Option<Value>) -> Value {
    let mut data = json!({});
    let Some(profile) = profile else {
        return data;
    };
    let copy = |data: &mut Value, from: &str, to: &str| {
        if let Some(v) = path::get(&profile, from).filter(|v| !v.is_null()) {
            path::set(data, to, Some(v.clone()), &|_| false);
        }
    };
    match procedure {
        Procedure::HkdRegistration => copy(&mut data, "owner", "owner"),
        Procedure::PromotionNotice => copy(&mut data, "trader", "trader"),
        Procedure::HkdChange => {
            copy(&mut data, "owner.full_name", "signatory_name");
            copy(&mut data, "owner.phone", "contact_phone");
        }
        Procedure::HkdTermination => {
            copy(&mut data, "owner.full_name", "signatory_name");
            copy(&mut data, "owner.phone", "filer_phone");
        }
    }
    copy(&mut data, "applicant", forms::APPLICANT_KEY);
    data
}

/// Whether the signed-in person files as the owner (`domain::forms::filer::role_of`: the HKD forms'
/// "who files" question `filer`, or, in drafts made before it, neither `filed_by_agent` nor a termination
/// signed by an heir). A promotion notice is filed for a trader, never "as the owner".
#[must_use]
pub fn files_as_owner(procedure: Procedure, data: &Value) -> bool {
    procedure != Procedure::PromotionNotice
        && domain::forms::filer::role_of(procedure, data)
            == Some(domain::forms::filer::FilerRole::Owner)
}

/// The owner block's answers a verified identity gives: name, identity number, birth date and gender of
/// a registration's owner; the signatory's name of a change or termination. (The identity's address is
/// one line; the form's residence is asked in parts and only when the population database is down, so it
/// is left to the citizen.)
#[must_use]
pub fn identity_answers(
    procedure: Procedure,
    identity: &domain::api::VerifiedIdentity,
) -> Vec<(&'static str, Value)> {
    let name = Value::String(identity.full_name.clone());
    match procedure {
        Procedure::HkdRegistration => {
            let mut out = vec![
                ("owner.full_name", name),
                ("owner.id", Value::String(identity.identity_number.clone())),
            ];
            if let Some(date) = identity
                .birth_date
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            {
                out.push((
                    "owner.birth_date",
                    Value::String(date.format("%d/%m/%Y").to_string()),
                ));
            }
            match identity.gender.as_deref() {
                Some("nam") => out.push(("owner.gender", Value::String("male".to_owned()))),
                Some("nu") => out.push(("owner.gender", Value::String("female".to_owned()))),
                _ => {}
            }
            out
        }
        Procedure::HkdChange | Procedure::HkdTermination => vec![("signatory_name", name)],
        Procedure::PromotionNotice => Vec::new(),
    }
}

/// What the phone remembers of a submitted draft for the next one.
#[must_use]
pub fn profile_from(procedure: Procedure, data: &Value, old: Option<Value>) -> Value {
    let mut profile = old.unwrap_or_else(|| json!({}));
    let keep = |profile: &mut Value, from: &str, to: &str| {
        if let Some(v) = path::get(data, from) {
            path::set(profile, to, Some(v.clone()), &|_| false);
        }
    };
    match procedure {
        Procedure::HkdRegistration => {
            for key in ["full_name", "birth_date", "gender", "id", "phone", "email"] {
                keep(
                    &mut profile,
                    &format!("owner.{key}"),
                    &format!("owner.{key}"),
                );
            }
        }
        Procedure::PromotionNotice => keep(&mut profile, "trader", "trader"),
        Procedure::HkdChange | Procedure::HkdTermination => {}
    }
    keep(&mut profile, forms::APPLICANT_KEY, "applicant");
    profile
}

/// `/soan/{id}/{step}`: one step of a draft, or the check page.
#[component]
pub fn EditPage() -> impl IntoView {
    let params = use_params_map();
    let step = Memo::new(move |_| params.read().get("step").unwrap_or_default());
    with_draft(move |handle| {
        let saved = handle.saved.get_value();
        if saved.status != DraftStatus::Editing {
            return view! { <AlreadySent saved /> }.into_any();
        }
        view! { <Editor handle step /> }.into_any()
    })
}

#[component]
fn AlreadySent(saved: SavedDraft) -> impl IntoView {
    let lang = use_lang();
    let href = format!("/ho-so/{}", saved.id());
    // Waiting for a sign-in ("Đăng nhập lại để gửi"): said here too, with the link.
    let waits = RwSignal::new(false);
    let id = saved.id().to_owned();
    Effect::new(move |_| {
        platform::outbox::changes().track();
        let id = id.clone();
        spawn_local(async move {
            let needs = platform::outbox::get(&id)
                .await
                .ok()
                .flatten()
                .is_some_and(|e| e.needs_sign_in());
            waits.try_set(needs);
        });
    });
    let next = href.clone();
    view! {
        <h1>{move || lang.get().pick("Hồ sơ này đã được nộp", "This dossier has been submitted")}</h1>
        <p>
            {move || lang.get().pick(
                "Hồ sơ đã nộp không sửa được trên máy. Xem tình trạng và biên nhận:",
                "A submitted dossier cannot be edited. See its status and receipt:",
            )}
            " "
            <A href=href>{move || lang.get().pick("Xem hồ sơ", "View the dossier")}</A>
        </p>
        {move || waits.get().then(|| view! { <crate::pages::dossiers::SignInToSend next=next.clone() /> })}
    }
}

/// The form of a loaded draft.
#[component]
fn Editor(handle: DraftHandle, step: Memo<String>) -> impl IntoView {
    let lang = use_lang();
    let saved = handle.saved.get_value();
    let procedure = saved.draft.procedure;
    let spec = FormSpec::of(procedure);
    let data = handle.data;
    let today = today();
    let errors = Memo::new(move |_| {
        data.with(|d| {
            forms::validate(procedure, d, today)
                .err()
                .unwrap_or_default()
        })
    });
    let show_errors = RwSignal::new(false);
    // Errors show once the user tried to go on from this step; a new step starts clean.
    Effect::new(move |_| {
        step.track();
        show_errors.set(false);
    });
    // "Tell us once" from the verified identity: a citizen signed in with the national e-identity who
    // files as the owner has the owner block filled from it, read-only.
    let session = crate::pages::account::use_session();
    let locked = Memo::new(move |_| {
        let identity = session.with(|s| match s.as_ref().map(|s| &s.principal) {
            Some(domain::api::Principal::Citizen {
                identity: Some(identity),
                ..
            }) => Some(identity.clone()),
            _ => None,
        });
        match identity {
            Some(identity) if data.with(|d| files_as_owner(procedure, d)) => {
                identity_answers(procedure, &identity)
            }
            _ => Vec::new(),
        }
    });
    Effect::new(move |_| {
        let answers = locked.get();
        let stale =
            data.with_untracked(|d| answers.iter().any(|(p, v)| path::get(d, p) != Some(v)));
        if stale {
            data.update(|d| {
                for (p, v) in answers {
                    path::set(d, p, Some(v), &|_| false);
                }
            });
        }
    });
    let ctx = FormCtx {
        procedure,
        data,
        errors,
        show_errors,
        lang,
        draft_id: StoredValue::new(saved.id().to_owned()),
        locked,
    };
    let id = saved.id().to_owned();
    view! {
        <div class="form-page">
            <p class="form-procedure">{move || procedure.name(lang.get())}</p>
            <SaveStatus state=handle.state />
            {move || {
                let slug = step.get();
                if slug == CHECK {
                    return view! { <CheckAnswers ctx handle /> }.into_any();
                }
                match spec.step(&slug) {
                    Some(s) => step_view(ctx, handle, s, &id).into_any(),
                    None => view! {
                        <p class="field-error" role="alert">
                            {move || lang.get().pick("Không có bước này. ", "There is no such step. ")}
                            <a href=format!("/soan/{id}/{}", spec.steps[0].slug)>
                                {move || lang.get().pick("Về bước đầu", "Go to the first step")}
                            </a>
                        </p>
                    }
                    .into_any(),
                }
            }}
        </div>
    }
}

/// The slugs of the steps that apply now, then the check page.
fn route(spec: &FormSpec, data: &Value) -> Vec<&'static str> {
    spec.visible_steps(data).iter().map(|s| s.slug).collect()
}

fn step_view(
    ctx: FormCtx,
    handle: DraftHandle,
    step: &'static forms::Step,
    id: &str,
) -> impl IntoView + use<> {
    let id = id.to_owned();
    let lang = ctx.lang;
    let spec = ctx.spec();
    let data = ctx.data;
    let position = Memo::new(move |_| {
        let slugs = data.with(|d| route(spec, d));
        let i = slugs.iter().position(|s| *s == step.slug).unwrap_or(0);
        (
            i,
            slugs.len(),
            slugs.get(i.wrapping_sub(1)).copied(),
            slugs.get(i + 1).copied(),
        )
    });
    let step_errors = Memo::new(move |_| {
        ctx.errors.with(|all| {
            spec.errors_of(step, all)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let navigate = use_navigate();
    let id_next = id.clone();
    let go_next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.show_errors.set(true);
        if !step_errors.get_untracked().is_empty() {
            focus_later(Some("error-summary".to_owned()));
            return;
        }
        let (_, _, _, next) = position.get_untracked();
        let target = format!("/soan/{id_next}/{}", next.unwrap_or(CHECK));
        let navigate = navigate.clone();
        spawn_local(async move {
            // The step is written to the phone before the page changes; a failure is shown, not hidden.
            if handle.save().await.is_ok() {
                navigate(&target, NavigateOptions::default());
                focus_later(Some("main".to_owned()));
            }
        });
    };
    let back_href = {
        let id = id.clone();
        move || {
            let (_, _, prev, _) = position.get();
            prev.map_or_else(
                || format!("/thu-tuc/{}", ctx.procedure.slug()),
                |p| format!("/soan/{id}/{p}"),
            )
        }
    };
    view! {
        <form class="step" novalidate on:submit=go_next>
            <p class="step-count">
                {move || {
                    let (i, n, _, _) = position.get();
                    match lang.get() {
                        Lang::Vi => format!("Bước {} trên {}", i + 1, n),
                        Lang::En => format!("Step {} of {}", i + 1, n),
                    }
                }}
            </p>
            <progress
                class="step-progress"
                max=move || position.get().1.to_string()
                value=move || (position.get().0 + 1).to_string()
                aria-hidden="true"
            ></progress>
            <h1>{move || tr(step.title, lang.get())}</h1>
            {move || step.intro.map(|t| view! { <p class="lead">{tr(t, lang.get())}</p> })}
            {crate::pages::supplement::step_notes(ctx.procedure, step.slug, handle.saved.get_value().amends, lang)}
            {move || {
                let errs = step_errors.get();
                (ctx.show_errors.get() && !errs.is_empty()).then(|| error_summary(spec, &errs, lang.get(), None))
            }}
            {step.fields.iter().map(|f| field_view(ctx, f, String::new())).collect_view()}
            {move || hkd_lookup(ctx, step)}
            <div class="form-nav">
                <button type="submit" class="button">
                    {move || lang.get().pick("Tiếp tục", "Continue")}
                </button>
                <A href=back_href attr:class="button-link">
                    {move || lang.get().pick("‹ Quay lại", "‹ Back")}
                </A>
            </div>
            <p class="later">
                <A href="/ho-so">
                    {move || lang.get().pick("Lưu và làm tiếp sau", "Save and continue later")}
                </A>
            </p>
        </form>
    }
}

/// Which field an error is about, as the user sees it: the field's label, and for a row of a table the
/// row ("Thành viên 2 — Số định danh cá nhân").
fn field_name(spec: &FormSpec, error_path: &str, lang: Lang) -> String {
    let Some((_, field)) = spec.field_of(error_path) else {
        return String::new();
    };
    let mut name = tr(field.label, lang).to_owned();
    let rest = error_path.strip_prefix(field.path).unwrap_or_default();
    if let Some(index) = rest
        .strip_prefix('[')
        .and_then(|r| r.split(']').next())
        .and_then(|i| i.parse::<usize>().ok())
    {
        let (row, fields): (forms::Text, &[forms::Field]) = match &field.kind {
            forms::Kind::Table { row, fields } => (*row, fields),
            forms::Kind::Lines { .. } => (("Ngành", "Line"), &[]),
            _ => (("Dòng", "Row"), &[]),
        };
        name = format!("{name} — {} {}", tr(row, lang), index + 1);
        let inner = rest.split_once("].").map(|(_, f)| f).unwrap_or_default();
        if let Some(f) = fields.iter().find(|f| path::within(inner, f.path)) {
            name = format!("{name}, {}", tr(f.label, lang).to_lowercase());
        }
    }
    name
}

/// The list of errors at the top of a page, each a link to its field (on another step when `id` is
/// given).
pub fn error_summary(
    spec: &'static FormSpec,
    errors: &[domain::FieldError],
    lang: Lang,
    id: Option<&str>,
) -> impl IntoView + use<> {
    let items: Vec<(String, String)> = errors
        .iter()
        .map(|e| {
            let anchor = anchor_of(spec, e);
            let href = match (id, spec.step_of(&e.path)) {
                (Some(id), Some(step)) => format!("/soan/{id}/{}#{anchor}", step.slug),
                _ => format!("#{anchor}"),
            };
            (
                href,
                format!("{}: {}", field_name(spec, &e.path, lang), e.message(lang)),
            )
        })
        .collect();
    view! {
        <div class="error-summary" id="error-summary" role="alert" tabindex="-1">
            <h2>{lang.pick("Cần sửa trước khi tiếp tục", "Please fix these first")}</h2>
            <ul>
                {items
                    .into_iter()
                    .map(|(href, message)| view! { <li><a href=href>{message}</a></li> })
                    .collect_view()}
            </ul>
        </div>
    }
}

/// On the change and termination forms: fills the household business's registered details by its code.
fn hkd_lookup(ctx: FormCtx, step: &'static forms::Step) -> Option<impl IntoView> {
    let applies = matches!(
        ctx.procedure,
        Procedure::HkdChange | Procedure::HkdTermination
    ) && step.slug == "ho-kinh-doanh";
    applies.then(|| {
        let lang = ctx.lang;
        let note: RwSignal<Option<(bool, String)>> = RwSignal::new(None);
        let busy = RwSignal::new(false);
        let fetch = move |_| {
            let code = ctx.data.with_untracked(|d| path::text(d, "hkd_code"));
            let l = lang.get_untracked();
            if code.trim().is_empty() {
                note.try_set(Some((
                    false,
                    l.pick("Hãy nhập mã số hộ kinh doanh trước.", "Type the household business code first.")
                        .to_owned(),
                )));
                return;
            }
            busy.try_set(true);
            spawn_local(async move {
                match platform::net::hkd(code.trim(), l).await {
                    Ok(hkd) => {
                        ctx.set_text("hkd_name", hkd.name.clone());
                        ctx.set_text("office", hkd.commune.clone());
                        let text = if hkd.status == "terminated" {
                            (false, l.pick(
                                "Hộ kinh doanh này đã chấm dứt hoạt động trong sổ đăng ký.",
                                "This household business is terminated in the registry.",
                            ).to_owned())
                        } else {
                            (true, match l {
                                Lang::Vi => format!("Đã điền thông tin đã đăng ký của {}.", hkd.name),
                                Lang::En => format!("Filled in the registered details of {}.", hkd.name),
                            })
                        };
                        note.try_set(Some(text));
                    }
                    Err(platform::PlatformError::Http { status: 404, .. }) => {
                        note.try_set(Some((
                            false,
                            l.pick(
                                "Không tìm thấy hộ kinh doanh có mã số này trong sổ đăng ký. Hãy kiểm tra lại mã số, hoặc tự điền tên và nơi đăng ký.",
                                "No household business with this code in the registry. Check the code, or fill in the name and office yourself.",
                            )
                            .to_owned(),
                        )));
                    }
                    Err(e) => {
                        note.try_set(Some((false, e.message(l))));
                    }
                }
                busy.try_set(false);
            });
        };
        view! {
            <div class="prefill">
                <button type="button" class="button-secondary" on:click=fetch disabled=move || busy.get()>
                    {move || lang.get().pick("Điền thông tin đã đăng ký theo mã số", "Fill in the registered details from the code")}
                </button>
                <p role="status" class=move || match note.get() { Some((true, _)) => "notice notice-ok", Some((false, _)) => "notice notice-warn", None => "" }>
                    {move || note.get().map(|(_, t)| t)}
                </p>
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> domain::api::VerifiedIdentity {
        domain::api::VerifiedIdentity {
            identity_number: "051190001234".to_owned(),
            full_name: "Đỗ Thị Hạnh".to_owned(),
            birth_date: Some("1990-04-30".to_owned()),
            gender: Some("nu".to_owned()),
            address: Some("12 Lê Lợi, Quảng Ngãi".to_owned()),
            assurance_level: Some("2".to_owned()),
        }
    }

    #[test]
    fn the_verified_identity_fills_the_owner_block_of_whoever_files_as_the_owner() {
        let answers = identity_answers(Procedure::HkdRegistration, &identity());
        let mut data = json!({});
        for (p, v) in &answers {
            path::set(&mut data, p, Some(v.clone()), &|_| false);
        }
        assert_eq!(
            data,
            json!({"owner": {"full_name": "Đỗ Thị Hạnh", "id": "051190001234",
                             "birth_date": "30/04/1990", "gender": "female"}})
        );
        // The domain accepts what it fills (no error on those fields).
        let errors = forms::validate(
            Procedure::HkdRegistration,
            &data,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 7).expect("date"),
        )
        .err()
        .unwrap_or_default();
        for (p, _) in &answers {
            assert!(!errors.iter().any(|e| e.path == *p), "{p}: {errors:?}");
        }
        assert_eq!(
            identity_answers(Procedure::HkdTermination, &identity()),
            [("signatory_name", json!("Đỗ Thị Hạnh"))]
        );
        assert!(identity_answers(Procedure::PromotionNotice, &identity()).is_empty());
        // Who files: the owner, unless the draft says an authorised person or an heir.
        for (procedure, data, owner) in [
            (Procedure::HkdRegistration, json!({}), true),
            (Procedure::HkdRegistration, json!({"filer": "owner"}), true),
            (
                Procedure::HkdRegistration,
                json!({"filer": "authorised"}),
                false,
            ),
            (
                Procedure::HkdRegistration,
                json!({"filed_by_agent": true}),
                false,
            ),
            (Procedure::HkdChange, json!({"filer": "heir"}), false),
            (
                Procedure::HkdTermination,
                json!({"signatory": "heir"}),
                false,
            ),
            (
                Procedure::HkdTermination,
                json!({"signatory": "owner"}),
                true,
            ),
            (Procedure::PromotionNotice, json!({}), false),
        ] {
            assert_eq!(
                files_as_owner(procedure, &data),
                owner,
                "{procedure:?} {data}"
            );
        }
    }

    #[test]
    fn the_next_form_starts_with_what_the_phone_remembers() {
        let registration = json!({
            "owner": {"full_name": "Nguyễn Thị Ba", "id": "051185012345", "phone": "0912345678",
                      "ethnicity": "Kinh"},
            "name": {"vietnamese": "Hộ kinh doanh Bánh mì Cô Ba"},
            "_applicant": {"name": "Nguyễn Thị Ba", "phone": "0912345678"}
        });
        let profile = profile_from(Procedure::HkdRegistration, &registration, None);
        assert_eq!(path::text(&profile, "owner.id"), "051185012345");
        assert_eq!(
            path::get(&profile, "owner.ethnicity"),
            None,
            "only the person's own details"
        );
        assert_eq!(path::get(&profile, "name"), None, "not the business");

        let next = prefill(Procedure::HkdRegistration, Some(profile.clone()));
        assert_eq!(path::text(&next, "owner.full_name"), "Nguyễn Thị Ba");
        assert_eq!(path::text(&next, "_applicant.phone"), "0912345678");

        let termination = prefill(Procedure::HkdTermination, Some(profile));
        assert_eq!(path::text(&termination, "signatory_name"), "Nguyễn Thị Ba");
        assert_eq!(path::text(&termination, "filer_phone"), "0912345678");
        assert_eq!(prefill(Procedure::PromotionNotice, None), json!({}));
    }

    #[test]
    fn a_promotion_keeps_the_trader_for_next_time() {
        let data = json!({"trader": {"name": "Công ty TNHH An Phát", "tax_code": "4300000001"}});
        let profile = profile_from(
            Procedure::PromotionNotice,
            &data,
            Some(json!({"owner": {"id": "1"}})),
        );
        assert_eq!(
            path::text(&profile, "owner.id"),
            "1",
            "what was known is kept"
        );
        let next = prefill(Procedure::PromotionNotice, Some(profile));
        assert_eq!(path::text(&next, "trader.name"), "Công ty TNHH An Phát");
    }

    #[test]
    fn errors_are_named_by_their_field_and_row() {
        let spec = FormSpec::of(Procedure::HkdRegistration);
        assert_eq!(
            field_name(spec, "members[1].id", Lang::Vi),
            "Danh sách thành viên hộ gia đình — Thành viên 2, số định danh cá nhân"
        );
        assert_eq!(field_name(spec, "capital", Lang::En), "Total capital (VND)");
        assert_eq!(
            field_name(spec, "business_lines[0].code", Lang::Vi),
            "Ngành, nghề kinh doanh — Ngành 1"
        );
    }
}
