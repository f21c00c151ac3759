//! One input per field kind, tied to the draft's JSON by the field's path. Every input has a label tied
//! to it, its hint and error announced with `aria-describedby`, and writes on every keystroke (the page
//! autosaves), so nothing typed is lost on back, next, reload or a killed tab.

use domain::{FieldError, Lang, MaNganh, Procedure, Vnd, VsicLevel, forms::promotion};
use leptos::prelude::*;
use serde_json::{Value, json};

use crate::forms::{Field, FormSpec, Kind, Opt, Text, path, tr};

/// What every widget of a form page shares.
#[derive(Clone, Copy)]
pub struct FormCtx {
    /// Which procedure.
    pub procedure: Procedure,
    /// The draft's data.
    pub data: RwSignal<Value>,
    /// The domain's errors for the whole draft.
    pub errors: Memo<Vec<FieldError>>,
    /// Whether errors are shown (after the first "Tiếp tục" on a step).
    pub show_errors: RwSignal<bool>,
    /// The language.
    pub lang: Signal<Lang>,
    /// The draft's id (for its files).
    pub draft_id: StoredValue<String>,
    /// The answers the signed-in citizen's verified identity gives, read-only ("tell us once"): empty
    /// unless they file for themselves as the owner.
    pub locked: Memo<Vec<(&'static str, Value)>>,
}

/// The line under an answer that comes from the verified identity.
pub const LOCKED_NOTE: Text = (
    "Theo tài khoản định danh điện tử — không sửa được",
    "From your electronic identity account — cannot be changed",
);

impl FormCtx {
    /// Whether the answer at `path` comes from the verified identity (and cannot be typed over).
    #[must_use]
    pub fn is_locked(self, path: &str) -> bool {
        self.locked.with(|l| l.iter().any(|(p, _)| *p == path))
    }

    /// The spec of the form.
    #[must_use]
    pub fn spec(self) -> &'static FormSpec {
        FormSpec::of(self.procedure)
    }

    /// Writes a value (or removes it).
    pub fn set(self, path: &str, value: Option<Value>) {
        let spec = self.spec();
        // `try_`: a photo finished processing after the user left the step still lands in the draft
        // only while its page lives; the stored draft is not touched from a dead page.
        self.data
            .try_update(|d| path::set(d, path, value, &|p| spec.keeps(p)));
    }

    /// Writes text; an empty text removes the key, so "not filled" is what the domain sees.
    pub fn set_text(self, path: &str, text: String) {
        self.set(
            path,
            (!text.trim().is_empty()).then_some(Value::String(text)),
        );
    }

    /// The messages for exactly this path, when errors are shown.
    #[must_use]
    pub fn errors_at(self, path: &str) -> Vec<FieldError> {
        if !self.show_errors.get() {
            return Vec::new();
        }
        self.errors
            .with(|errors| errors.iter().filter(|e| e.path == path).cloned().collect())
    }

    /// The messages a top-level field owns: its own path and anything under it that no row shows.
    #[must_use]
    pub fn errors_of_field(self, field: &'static Field) -> Vec<FieldError> {
        if !self.show_errors.get() {
            return Vec::new();
        }
        let spec = self.spec();
        let rows = matches!(field.kind, Kind::Table { .. } | Kind::Lines { .. });
        self.errors.with(|errors| {
            errors
                .iter()
                .filter(|e| {
                    spec.field_of(&e.path)
                        .is_some_and(|(_, f)| std::ptr::eq(f, field))
                        && (!rows || e.path == field.path)
                })
                .cloned()
                .collect()
        })
    }
}

/// The id the error summary links to for an error.
#[must_use]
pub fn anchor_of(spec: &FormSpec, error: &FieldError) -> String {
    match spec.field_of(&error.path) {
        Some((_, f)) if matches!(f.kind, Kind::Table { .. } | Kind::Lines { .. }) => {
            path::dom_id(&error.path)
        }
        Some((_, f)) if !f.path.is_empty() && path::within(&error.path, f.path) => {
            path::dom_id(f.path)
        }
        Some((_, f)) => path::dom_id(f.path),
        None => "main".to_owned(),
    }
}

fn full(base: &str, rel: &str) -> String {
    if base.is_empty() {
        rel.to_owned()
    } else if rel.is_empty() {
        base.to_owned()
    } else {
        format!("{base}.{rel}")
    }
}

/// The messages under a field, each with its legal basis on demand.
pub(super) fn error_list(id: String, errors: Vec<FieldError>, lang: Lang) -> impl IntoView {
    (!errors.is_empty()).then(|| {
        view! {
            <div class="field-error" id=id>
                {errors
                    .into_iter()
                    .map(|e| {
                        let citation = e.citation.clone();
                        view! {
                            <p>
                                <span class="visually-hidden">{lang.pick("Lỗi: ", "Error: ")}</span>
                                {e.message(lang)}
                            </p>
                            {citation
                                .map(|c| {
                                    view! {
                                        <details class="citation">
                                            <summary>{lang.pick("Căn cứ pháp lý", "Legal basis")}</summary>
                                            <p>{c}</p>
                                        </details>
                                    }
                                })}
                        }
                    })
                    .collect_view()}
            </div>
        }
    })
}

fn label_text(label: Text, required: bool, lang: Lang) -> impl IntoView {
    view! {
        {tr(label, lang)}
        {(!required).then(|| view! { <span class="optional">{lang.pick(" (không bắt buộc)", " (optional)")}</span> })}
    }
}

fn describedby(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{id}-hint"));
    }
    if error {
        ids.push(format!("{id}-err"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A field of a step (`base` is the row path inside a table, empty otherwise).
pub fn field_view(ctx: FormCtx, field: &'static Field, base: String) -> AnyView {
    let data = ctx.data;
    let visible = Memo::new(move |_| data.with(|d| field.visible(d)));
    let base = StoredValue::new(base);
    (move || {
        visible
            .get()
            .then(|| field_inner(ctx, field, &base.get_value()))
    })
    .into_any()
}

#[expect(clippy::too_many_lines, reason = "one arm per kind of input")]
fn field_inner(ctx: FormCtx, field: &'static Field, base: &str) -> AnyView {
    let lang = ctx.lang;
    let top = base.is_empty();
    let p = full(base, field.path);
    let id = path::dom_id(&p);
    let hint = field.hint;
    let errors = {
        let p = p.clone();
        Memo::new(move |_| {
            if top {
                ctx.errors_of_field(field)
            } else {
                ctx.errors_at(&p)
            }
        })
    };
    let invalid = move || !errors.with(Vec::is_empty);
    let hint_view = {
        let id = id.clone();
        move || {
            hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{tr(h, lang.get())}</p> })
        }
    };
    let error_view = {
        let id = id.clone();
        move || error_list(format!("{id}-err"), errors.get(), lang.get())
    };
    let described = {
        let id = id.clone();
        move || describedby(&id, hint.is_some(), invalid())
    };
    match &field.kind {
        Kind::Text | Kind::Tel | Kind::Email | Kind::Digits | Kind::Date | Kind::Money => {
            let (ty, mode, placeholder) = match field.kind {
                Kind::Tel => ("tel", Some("tel"), None),
                Kind::Email => ("email", Some("email"), None),
                Kind::Digits => ("text", Some("numeric"), None),
                Kind::Date => ("text", Some("numeric"), Some("dd/mm/yyyy")),
                Kind::Money => ("text", Some("numeric"), Some("150.000.000")),
                _ => ("text", None, None),
            };
            let money = matches!(field.kind, Kind::Money);
            let date = matches!(field.kind, Kind::Date);
            let value_path = p.clone();
            let input_path = p.clone();
            let blur_path = p.clone();
            let words_path = p.clone();
            let words = move || {
                money.then(|| {
                    let raw = data_text(ctx, &words_path);
                    Vnd::parse(&raw).ok().map(|v| {
                        view! {
                            <p class="amount-words" aria-live="polite">
                                {lang.get().pick("Bằng chữ: ", "In words: ")}
                                {v.in_words(lang.get())}
                            </p>
                        }
                    })
                })
            };
            let lock_path = p.clone();
            let locked = Memo::new(move |_| ctx.is_locked(&lock_path));
            let note_id = format!("{id}-locked");
            let note = {
                let note_id = note_id.clone();
                move || {
                    locked.get().then(|| {
                        view! { <p class="hint locked-note" id=note_id.clone()>{move || tr(LOCKED_NOTE, lang.get())}</p> }
                    })
                }
            };
            let described = {
                let described = described.clone();
                move || {
                    let base = described();
                    if locked.get() {
                        Some(base.map_or_else(|| note_id.clone(), |b| format!("{b} {note_id}")))
                    } else {
                        base
                    }
                }
            };
            view! {
                <div class="field" class:field-invalid=invalid class:field-locked=move || locked.get()>
                    <label for=id.clone()>{move || label_text(field.label, field.required, lang.get())}</label>
                    {hint_view}
                    {note}
                    {error_view}
                    <input
                        id=id.clone()
                        name=p.clone()
                        readonly=move || locked.get()
                        type=ty
                        inputmode=mode
                        placeholder=placeholder
                        autocomplete=field.autocomplete.unwrap_or("off")
                        aria-describedby=described
                        aria-invalid=move || if invalid() { "true" } else { "false" }
                        aria-required=if field.required { "true" } else { "false" }
                        class:input-date=date
                        prop:value=move || data_text(ctx, &value_path)
                        on:input=move |ev| ctx.set_text(&input_path, event_target_value(&ev))
                        on:change=move |_| {
                            if money {
                                let raw = data_text(ctx, &blur_path);
                                if let Ok(v) = Vnd::parse(&raw) {
                                    ctx.set_text(&blur_path, v.grouped());
                                }
                            }
                        }
                    />
                    {words}
                </div>
            }
            .into_any()
        }
        Kind::LongText => {
            let value_path = p.clone();
            let input_path = p.clone();
            view! {
                <div class="field" class:field-invalid=invalid>
                    <label for=id.clone()>{move || label_text(field.label, field.required, lang.get())}</label>
                    {hint_view}
                    {error_view}
                    <textarea
                        id=id.clone()
                        name=p.clone()
                        rows="4"
                        aria-describedby=described
                        aria-invalid=move || if invalid() { "true" } else { "false" }
                        prop:value=move || data_text(ctx, &value_path)
                        on:input=move |ev| ctx.set_text(&input_path, event_target_value(&ev))
                    ></textarea>
                </div>
            }
            .into_any()
        }
        Kind::Bool => {
            let value_path = p.clone();
            let input_path = p.clone();
            view! {
                <div class="field field-check" class:field-invalid=invalid>
                    {error_view}
                    <div class="check">
                        <input
                            id=id.clone()
                            type="checkbox"
                            aria-describedby=described
                            aria-invalid=move || if invalid() { "true" } else { "false" }
                            prop:checked=move || ctx.data.with(|d| path::flag(d, &value_path))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                ctx.set(&input_path, on.then_some(Value::Bool(true)));
                            }
                        />
                        <label for=id.clone()>{move || tr(field.label, lang.get())}</label>
                    </div>
                    {hint_view}
                </div>
            }
            .into_any()
        }
        Kind::Choice(options) => choice_view(ctx, field, &p, options, errors),
        Kind::Commune => select_view(ctx, field, p, errors, true),
        Kind::Province => select_view(ctx, field, p, errors, false),
        Kind::Provinces => multi_view(
            ctx,
            field,
            p,
            errors,
            promotion::PROVINCES
                .iter()
                .map(|n| ((*n).to_owned(), (*n).to_owned()))
                .collect(),
        ),
        Kind::PromotionForms => {
            let items = promotion::PromotionForm::ALL
                .iter()
                .map(|f| {
                    let value = serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    (
                        value,
                        format!("{} ({})", f.name(lang.get_untracked()), f.article()),
                    )
                })
                .collect();
            view! {
                {multi_view(ctx, field, p, errors, items)}
                <NoticeCheck ctx=ctx />
            }
            .into_any()
        }
        Kind::Lines { main } => super::lines::lines_view(ctx, field, p, *main, errors),
        Kind::VsicCode => super::lines::vsic_code_view(ctx, field, p, errors),
        Kind::Table { row, fields } => table_view(ctx, field, p, *row, fields, errors),
        Kind::Sections(options) => sections_view(ctx, field, options, errors),
        Kind::Attachments => super::attachments::attachments_view(ctx, errors),
    }
}

/// The text at a path, read reactively.
pub fn data_text(ctx: FormCtx, p: &str) -> String {
    ctx.data.with(|d| path::text(d, p))
}

fn legend(field: &'static Field, lang: Signal<Lang>) -> impl IntoView {
    view! { <legend>{move || label_text(field.label, field.required, lang.get())}</legend> }
}

fn choice_view(
    ctx: FormCtx,
    field: &'static Field,
    p: &str,
    options: &'static [Opt],
    errors: Memo<Vec<FieldError>>,
) -> AnyView {
    let lang = ctx.lang;
    let id = path::dom_id(p);
    let name = StoredValue::new(p.to_owned());
    let invalid = move || !errors.with(Vec::is_empty);
    let err_id = format!("{id}-err");
    let lock_path = p.to_owned();
    let locked = Memo::new(move |_| ctx.is_locked(&lock_path));
    view! {
        <fieldset class="field" class:field-invalid=invalid class:field-locked=move || locked.get() id=id tabindex="-1"
            disabled=move || locked.get()>
            {legend(field, lang)}
            {field.hint.map(|h| view! { <p class="hint">{move || tr(h, lang.get())}</p> })}
            {move || locked.get().then(|| view! { <p class="hint locked-note">{move || tr(LOCKED_NOTE, lang.get())}</p> })}
            {move || error_list(err_id.clone(), errors.get(), lang.get())}
            <div class="choices">
                {options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let oid = format!("{}-{i}", path::dom_id(&name.get_value()));
                        view! {
                            <div class="check">
                                <input
                                    type="radio"
                                    id=oid.clone()
                                    name=name.get_value()
                                    value=o.value
                                    prop:checked=move || {
                                        data_text(ctx, &name.get_value()) == o.value
                                    }
                                    on:change=move |_| {
                                        ctx.set(&name.get_value(), Some(Value::String(o.value.into())));
                                    }
                                />
                                <label for=oid>{move || tr(o.label, lang.get())}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
    .into_any()
}

fn select_view(
    ctx: FormCtx,
    field: &'static Field,
    p: String,
    errors: Memo<Vec<FieldError>>,
    communes: bool,
) -> AnyView {
    let lang = ctx.lang;
    let id = path::dom_id(&p);
    let path_s = StoredValue::new(p);
    let invalid = move || !errors.with(Vec::is_empty);
    let filter = RwSignal::new(String::new());
    let options = move || -> Vec<(String, String)> {
        if communes {
            let q = filter.get();
            let mut list: Vec<_> = if q.trim().is_empty() {
                domain::data::communes().collect()
            } else {
                domain::search_communes(&q)
            };
            list.sort_by_key(|c| domain::text::fold(c.name));
            list.into_iter()
                .map(|c| (c.code.to_string(), c.name.to_owned()))
                .collect()
        } else {
            promotion::PROVINCES
                .iter()
                .map(|n| ((*n).to_owned(), (*n).to_owned()))
                .collect()
        }
    };
    let selected_name = move || {
        let v = data_text(ctx, &path_s.get_value());
        if communes {
            domain::MaXa::parse(&v).ok().map(|c| c.name().to_owned())
        } else {
            (!v.is_empty()).then_some(v)
        }
    };
    let filter_id = format!("{id}-search");
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{move || label_text(field.label, field.required, lang.get())}</label>
            {field.hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{move || tr(h, lang.get())}</p> })}
            {
                let id = id.clone();
                move || error_list(format!("{id}-err"), errors.get(), lang.get())
            }
            {communes
                .then(|| {
                    view! {
                        <label class="sub-label" for=filter_id.clone()>
                            {move || lang.get().pick("Tìm theo tên", "Search by name")}
                        </label>
                        <input
                            id=filter_id.clone()
                            type="search"
                            class="picker-search"
                            autocomplete="off"
                            prop:value=move || filter.get()
                            on:input=move |ev| filter.set(event_target_value(&ev))
                        />
                    }
                })}
            <select
                id=id.clone()
                aria-invalid=move || if invalid() { "true" } else { "false" }
                aria-describedby=field.hint.map(|_| format!("{id}-hint"))
                on:change=move |ev| ctx.set_text(&path_s.get_value(), event_target_value(&ev))
                prop:value=move || data_text(ctx, &path_s.get_value())
            >
                <option value="">{move || lang.get().pick("— Chọn —", "— Choose —")}</option>
                {move || {
                    let current = data_text(ctx, &path_s.get_value());
                    let mut opts = options();
                    if !current.is_empty()
                        && !opts.iter().any(|(v, _)| *v == current)
                        && let Some(name) = selected_name()
                    {
                        opts.insert(0, (current.clone(), name));
                    }
                    opts.into_iter()
                        .map(|(v, n)| {
                            let sel = v == current;
                            view! { <option value=v selected=sel>{n}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </div>
    }
    .into_any()
}

fn multi_view(
    ctx: FormCtx,
    field: &'static Field,
    p: String,
    errors: Memo<Vec<FieldError>>,
    items: Vec<(String, String)>,
) -> AnyView {
    let lang = ctx.lang;
    let id = path::dom_id(&p);
    let path_s = StoredValue::new(p);
    let invalid = move || !errors.with(Vec::is_empty);
    let chosen = move |v: &str| {
        ctx.data.with(|d| {
            path::list(d, &path_s.get_value())
                .iter()
                .any(|x| x.as_str() == Some(v))
        })
    };
    view! {
        <fieldset class="field" class:field-invalid=invalid id=id.clone() tabindex="-1">
            {legend(field, lang)}
            {field.hint.map(|h| view! { <p class="hint">{move || tr(h, lang.get())}</p> })}
            {
                let id = id.clone();
                move || error_list(format!("{id}-err"), errors.get(), lang.get())
            }
            <div class="choices choices-many">
                {items
                    .into_iter()
                    .enumerate()
                    .map(|(i, (value, label))| {
                        let oid = format!("{id}-{i}");
                        let v1 = value.clone();
                        let v2 = value.clone();
                        view! {
                            <div class="check">
                                <input
                                    type="checkbox"
                                    id=oid.clone()
                                    prop:checked=move || chosen(&v1)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        let p = path_s.get_value();
                                        let mut list: Vec<Value> = ctx
                                            .data
                                            .with_untracked(|d| path::list(d, &p).to_vec());
                                        list.retain(|x| x.as_str() != Some(v2.as_str()));
                                        if on {
                                            list.push(Value::String(v2.clone()));
                                        }
                                        ctx.set(&p, (!list.is_empty()).then_some(Value::Array(list)));
                                    }
                                />
                                <label for=oid>{label}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
    .into_any()
}

/// Says, while the trader ticks the forms and types the value, whether a notice is needed at all.
#[component]
fn NoticeCheck(ctx: FormCtx) -> impl IntoView {
    let lang = ctx.lang;
    let answer = move || {
        ctx.data.with(|d| {
            let forms: Vec<promotion::PromotionForm> = path::list(d, "forms")
                .iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect();
            if forms.is_empty() {
                return None;
            }
            let total = Vnd::parse(&path::text(d, "total_value")).ok()?;
            let today = super::today();
            Some(promotion::notice_requirement(
                &forms,
                total,
                path::flag(d, "sold_only_online"),
                today,
            ))
        })
    };
    move || {
        answer().map(|a| {
            let l = lang.get();
            let (class, text) = match &a {
                promotion::NoticeRequirement::Required { citation } => (
                    "notice notice-info",
                    format!(
                        "{} ({citation})",
                        l.pick(
                            "Chương trình này phải thông báo đến Sở Công Thương. Hãy tiếp tục điền.",
                            "This programme must be notified to the Department of Industry and Trade. Please continue."
                        )
                    ),
                ),
                promotion::NoticeRequirement::NotRequired { reason, citation } => (
                    "notice notice-ok",
                    format!("{} ({citation})", reason.explain(l)),
                ),
                promotion::NoticeRequirement::RegistrationRequired { citation } => (
                    "notice notice-warn",
                    format!(
                        "{} ({citation})",
                        l.pick(
                            "Chương trình mang tính may rủi phải đăng ký (không phải thông báo) với Sở Công Thương hoặc Bộ Công Thương.",
                            "A lucky draw must be registered (not notified) with the department or the Ministry."
                        )
                    ),
                ),
            };
            view! { <p class=class role="status">{text}</p> }
        })
    }
}

fn table_view(
    ctx: FormCtx,
    field: &'static Field,
    p: String,
    row: Text,
    fields: &'static [Field],
    errors: Memo<Vec<FieldError>>,
) -> AnyView {
    let lang = ctx.lang;
    let id = path::dom_id(&p);
    let path_s = StoredValue::new(p);
    let count = Memo::new(move |_| ctx.data.with(|d| path::list(d, &path_s.get_value()).len()));
    let invalid = move || !errors.with(Vec::is_empty);
    let add = move |_| {
        let p = path_s.get_value();
        let n = count.get_untracked();
        ctx.set(&format!("{p}[{n}]"), Some(json!({})));
        let first = fields
            .first()
            .map(|f| path::dom_id(&format!("{p}[{n}].{}", f.path)));
        super::focus_later(first);
    };
    view! {
        <fieldset class="field table" class:field-invalid=invalid id=id.clone() tabindex="-1">
            {legend(field, lang)}
            {field.hint.map(|h| view! { <p class="hint">{move || tr(h, lang.get())}</p> })}
            {
                let id = id.clone();
                move || error_list(format!("{id}-err"), errors.get(), lang.get())
            }
            {move || {
                (0..count.get())
                    .map(|i| {
                        let rp = format!("{}[{i}]", path_s.get_value());
                        let remove = move |_| {
                            let l = lang.get_untracked();
                            let question = match l {
                                Lang::Vi => format!("Xóa {} {}?", tr(row, l).to_lowercase(), i + 1),
                                Lang::En => format!("Remove {} {}?", tr(row, l).to_lowercase(), i + 1),
                            };
                            if super::confirm(&question) {
                                ctx.set(&format!("{}[{i}]", path_s.get_value()), None);
                            }
                        };
                        view! {
                            <fieldset class="row-card" id=path::dom_id(&rp)>
                                <legend>{move || format!("{} {}", tr(row, lang.get()), i + 1)}</legend>
                                {fields
                                    .iter()
                                    .map(|f| field_view(ctx, f, rp.clone()))
                                    .collect_view()}
                                <button type="button" class="button-secondary button-small" on:click=remove>
                                    {move || format!(
                                        "{} {} {}",
                                        lang.get().pick("Xóa", "Remove"),
                                        tr(row, lang.get()).to_lowercase(),
                                        i + 1
                                    )}
                                </button>
                            </fieldset>
                        }
                    })
                    .collect_view()
            }}
            <button type="button" class="button-secondary" on:click=add>
                {move || format!("+ {} {}", lang.get().pick("Thêm", "Add"), tr(row, lang.get()).to_lowercase())}
            </button>
        </fieldset>
    }
    .into_any()
}

fn sections_view(
    ctx: FormCtx,
    field: &'static Field,
    options: &'static [Opt],
    errors: Memo<Vec<FieldError>>,
) -> AnyView {
    let lang = ctx.lang;
    let invalid = move || !errors.with(Vec::is_empty);
    view! {
        <fieldset class="field" class:field-invalid=invalid id="f-" tabindex="-1">
            {legend(field, lang)}
            {move || error_list("f--err".to_owned(), errors.get(), lang.get())}
            <div class="choices">
                {options
                    .iter()
                    .enumerate()
                    .map(|(i, o)| {
                        let oid = format!("f-section-{i}");
                        view! {
                            <div class="check">
                                <input
                                    type="checkbox"
                                    id=oid.clone()
                                    prop:checked=move || ctx.data.with(|d| path::has_object(d, o.value))
                                    on:change=move |ev| {
                                        if event_target_checked(&ev) {
                                            ctx.set(o.value, Some(json!({})));
                                            return;
                                        }
                                        let filled = ctx.data.with_untracked(|d| {
                                            path::get(d, o.value)
                                                .and_then(Value::as_object)
                                                .is_some_and(|m| !m.is_empty())
                                        });
                                        let l = lang.get_untracked();
                                        if !filled || super::confirm(l.pick(
                                            "Bỏ nội dung này? Thông tin đã nhập cho nội dung này sẽ bị xóa.",
                                            "Drop this change? What you typed for it will be deleted.",
                                        )) {
                                            ctx.set(o.value, None);
                                        } else if let Some(el) = super::element_by_id(&format!("f-section-{i}")) {
                                            super::set_checked(&el, true);
                                        }
                                    }
                                />
                                <label for=oid>{move || tr(o.label, lang.get())}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
    .into_any()
}

/// A VSIC code's catalogue name, for showing next to a typed code.
#[must_use]
pub fn vsic_name(code: &str) -> Option<&'static str> {
    MaNganh::parse(code).ok().map(MaNganh::name)
}

/// Whether a code is level 4.
#[must_use]
pub fn is_level_four(code: &str) -> bool {
    MaNganh::parse(code).is_ok_and(|c| c.level() == VsicLevel::FOUR)
}
