//! The business-line table: search the VSIC 2025 catalogue without accents ("ban le" finds "Bán lẻ"),
//! add a line, mark exactly one main line (a level-4 code), or add a line in plain words.

use domain::{FieldError, MaNganh, VsicLevel};
use leptos::prelude::*;
use serde_json::{Value, json};

use super::widgets::{FormCtx, data_text, error_list, is_level_four, vsic_name};
use crate::forms::{Field, path, tr};

const RESULTS: usize = 8;

/// A search box over the catalogue; `pick` gets the chosen code.
fn vsic_search<F: Fn(MaNganh) + Copy + Send + Sync + 'static>(
    ctx: FormCtx,
    id: &str,
    level: Option<VsicLevel>,
    pick: F,
) -> impl IntoView + use<F> {
    let id = id.to_owned();
    let lang = ctx.lang;
    let query = RwSignal::new(String::new());
    let results = Memo::new(move |_| {
        let q = query.get();
        domain::search_vsic(&q, level, RESULTS)
    });
    let list_id = format!("{id}-results");
    view! {
        <div class="picker">
            <label class="sub-label" for=id.clone()>
                {move || lang.get().pick(
                    "Tìm ngành theo tên hoặc mã (gõ không dấu cũng được)",
                    "Search lines by name or code (accents optional)",
                )}
            </label>
            <input
                id=id.clone()
                type="search"
                class="picker-search"
                autocomplete="off"
                aria-controls=list_id.clone()
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <ul class="picker-results" id=list_id aria-live="polite">
                {move || {
                    let found = results.get();
                    if found.is_empty() && !query.get().trim().is_empty() {
                        return view! {
                            <li class="picker-empty">
                                {lang.get().pick(
                                    "Không thấy ngành phù hợp. Thử từ khác, hoặc ghi ngành bằng chữ.",
                                    "No matching line. Try other words, or write the line in words.",
                                )}
                            </li>
                        }
                        .into_any();
                    }
                    found
                        .into_iter()
                        .map(|c| {
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="picker-item"
                                        on:click=move |_| {
                                            pick(c);
                                            query.set(String::new());
                                        }
                                    >
                                        <span class="code">{c.code()}</span>
                                        " "
                                        <span>{c.name()}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                        .into_any()
                }}
            </ul>
        </div>
    }
}

/// The table of lines at `p` (a list of `{name, code, main}`).
pub(super) fn lines_view(
    ctx: FormCtx,
    field: &'static Field,
    p: String,
    main: bool,
    errors: Memo<Vec<FieldError>>,
) -> AnyView {
    let lang = ctx.lang;
    let id = path::dom_id(&p);
    let path_s = StoredValue::new(p);
    let count = Memo::new(move |_| ctx.data.with(|d| path::list(d, &path_s.get_value()).len()));
    let invalid = move || !errors.with(Vec::is_empty);
    let push = move |line: Value| {
        let p = path_s.get_value();
        let n = count.get_untracked();
        ctx.set(&format!("{p}[{n}]"), Some(line));
        n
    };
    let add_code = move |c: MaNganh| {
        let first_main = main
            && c.level() == VsicLevel::FOUR
            && ctx.data.with_untracked(|d| {
                !path::list(d, &path_s.get_value())
                    .iter()
                    .any(|l| path::flag(l, "main"))
            });
        let mut line = json!({"name": c.name(), "code": c.code()});
        if first_main {
            line["main"] = Value::Bool(true);
        }
        push(line);
    };
    let add_text = move |_| {
        let n = push(json!({}));
        super::focus_later(Some(path::dom_id(&format!(
            "{}[{n}].name",
            path_s.get_value()
        ))));
    };
    view! {
        <fieldset class="field table" class:field-invalid=invalid id=id.clone() tabindex="-1">
            <legend>{move || tr(field.label, lang.get())}</legend>
            {field.hint.map(|h| view! { <p class="hint">{move || tr(h, lang.get())}</p> })}
            {
                let id = id.clone();
                move || error_list(format!("{id}-err"), errors.get(), lang.get())
            }
            {move || {
                (0..count.get())
                    .map(|i| line_row(ctx, path_s, i, main))
                    .collect_view()
            }}
            {vsic_search(ctx, &format!("{id}-search"), None, add_code)}
            <button type="button" class="button-secondary" on:click=add_text>
                {move || lang.get().pick("+ Thêm ngành ghi bằng chữ", "+ Add a line in words")}
            </button>
        </fieldset>
    }
    .into_any()
}

fn line_row(ctx: FormCtx, path_s: StoredValue<String>, i: usize, main: bool) -> impl IntoView {
    let lang = ctx.lang;
    let rp = format!("{}[{i}]", path_s.get_value());
    let name_p = format!("{rp}.name");
    let code_p = format!("{rp}.code");
    let main_p = format!("{rp}.main");
    let row_errors = {
        let rp = rp.clone();
        Memo::new(move |_| {
            if !ctx.show_errors.get() {
                return Vec::new();
            }
            ctx.errors.with(|es| {
                es.iter()
                    .filter(|e| path::within(&e.path, &rp))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        })
    };
    let name_id = path::dom_id(&name_p);
    let code_id = path::dom_id(&code_p);
    let main_id = path::dom_id(&main_p);
    let (n1, n2) = (name_p.clone(), name_p.clone());
    let (c1, c2, c3) = (code_p.clone(), code_p.clone(), code_p.clone());
    let m1 = main_p.clone();
    let group = format!("{}-main", path::dom_id(&path_s.get_value()));
    let remove = move |_| {
        let l = lang.get_untracked();
        let question = match l {
            domain::Lang::Vi => format!("Xóa ngành {}?", i + 1),
            domain::Lang::En => format!("Remove line {}?", i + 1),
        };
        if super::confirm(&question) {
            ctx.set(&format!("{}[{i}]", path_s.get_value()), None);
        }
    };
    let make_main = move |_| {
        let p = path_s.get_value();
        let n = ctx.data.with_untracked(|d| path::list(d, &p).len());
        for j in 0..n {
            ctx.set(
                &format!("{p}[{j}].main"),
                (j == i).then_some(Value::Bool(true)),
            );
        }
    };
    view! {
        <fieldset class="row-card" id=path::dom_id(&rp)>
            <legend>{move || format!("{} {}", lang.get().pick("Ngành", "Line"), i + 1)}</legend>
            {move || error_list(format!("{}-err", path::dom_id(&c3)), row_errors.get(), lang.get())}
            <div class="field">
                <label for=name_id.clone()>{move || lang.get().pick("Tên ngành", "Line")}</label>
                <textarea
                    id=name_id
                    rows="2"
                    prop:value=move || data_text(ctx, &n1)
                    on:input=move |ev| ctx.set_text(&n2, event_target_value(&ev))
                ></textarea>
            </div>
            <div class="field">
                <label for=code_id.clone()>
                    {move || lang.get().pick("Mã ngành VSIC 2025", "VSIC 2025 code")}
                    <span class="optional">{move || lang.get().pick(" (không bắt buộc với ngành phụ)", " (optional for other lines)")}</span>
                </label>
                <input
                    id=code_id
                    type="text"
                    inputmode="numeric"
                    class="input-code"
                    prop:value=move || data_text(ctx, &c1)
                    on:input=move |ev| ctx.set_text(&c2, event_target_value(&ev))
                />
                {move || {
                    let code = data_text(ctx, &code_p);
                    vsic_name(&code).map(|n| view! { <p class="hint">{n}</p> })
                }}
            </div>
            {main
                .then(|| {
                    view! {
                        <div class="check">
                            <input
                                type="radio"
                                id=main_id.clone()
                                name=group.clone()
                                prop:checked=move || ctx.data.with(|d| path::flag(d, &m1))
                                on:change=make_main
                            />
                            <label for=main_id.clone()>
                                {move || lang.get().pick("Ngành chính (mã cấp 4)", "Main line (level-4 code)")}
                            </label>
                        </div>
                        {
                            let code_p = format!("{rp}.code");
                            let main_p = format!("{rp}.main");
                            move || {
                                let is_main = ctx.data.with(|d| path::flag(d, &main_p));
                                let code = data_text(ctx, &code_p);
                                (is_main && !code.is_empty() && !is_level_four(&code)).then(|| {
                                    view! {
                                        <p class="hint hint-warn">
                                            {lang.get().pick(
                                                "Ngành chính cần mã cấp 4 (4 chữ số). Hãy chọn một ngành cụ thể hơn trong danh mục.",
                                                "The main line needs a level-4 code (4 digits). Choose a more specific line from the catalogue.",
                                            )}
                                        </p>
                                    }
                                })
                            }
                        }
                    }
                })}
            <button type="button" class="button-secondary button-small" on:click=remove>
                {move || format!("{} {}", lang.get().pick("Xóa ngành", "Remove line"), i + 1)}
            </button>
        </fieldset>
    }
}

/// One VSIC code with a search to fill it.
pub(super) fn vsic_code_view(
    ctx: FormCtx,
    field: &'static Field,
    p: String,
    errors: Memo<Vec<FieldError>>,
) -> AnyView {
    let lang = ctx.lang;
    let id = path::dom_id(&p);
    let path_s = StoredValue::new(p);
    let invalid = move || !errors.with(Vec::is_empty);
    view! {
        <div class="field" class:field-invalid=invalid>
            <label for=id.clone()>{move || tr(field.label, lang.get())}</label>
            {
                let id = id.clone();
                move || error_list(format!("{id}-err"), errors.get(), lang.get())
            }
            <input
                id=id.clone()
                type="text"
                inputmode="numeric"
                class="input-code"
                prop:value=move || data_text(ctx, &path_s.get_value())
                on:input=move |ev| ctx.set_text(&path_s.get_value(), event_target_value(&ev))
            />
            {move || vsic_name(&data_text(ctx, &path_s.get_value())).map(|n| view! { <p class="hint">{n}</p> })}
            {vsic_search(
                ctx,
                &format!("{id}-search"),
                Some(VsicLevel::FOUR),
                move |c: MaNganh| ctx.set_text(&path_s.get_value(), c.code().to_owned()),
            )}
        </div>
    }
    .into_any()
}
