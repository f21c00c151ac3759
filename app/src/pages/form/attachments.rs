//! The attachments step: what the law asks for this draft (from `domain`), a photo taken with the
//! camera or a file picked, made upload-ready on the phone and kept with the draft while offline.

use domain::{
    FieldError, Lang, Procedure,
    attachments::{Attachment, DocumentKind},
};
use leptos::{prelude::*, task::spawn_local};
use serde_json::Value;

use super::widgets::FormCtx;
use crate::{forms::path, platform::files};

/// The attachments in the draft.
fn attached(ctx: FormCtx) -> Vec<Attachment> {
    ctx.data.with(|d| {
        path::list(d, "attachments")
            .iter()
            .filter_map(|v| serde_json::from_value(v.clone()).ok())
            .collect()
    })
}

/// The kinds offered: the required ones first (with the rule that requires them), then the optional.
fn kinds(procedure: Procedure, data: &Value) -> Vec<(DocumentKind, Option<&'static str>)> {
    let mut out: Vec<(DocumentKind, Option<&'static str>)> =
        domain::forms::required_documents(procedure, data)
            .into_iter()
            .map(|d| (d.kind, Some(d.citation)))
            .collect();
    if procedure == Procedure::PromotionNotice {
        out.push((DocumentKind::PromotionRules, None));
    }
    out.push((DocumentKind::Other, None));
    out
}

fn size_text(bytes: u64, lang: Lang) -> String {
    #[expect(
        clippy::cast_precision_loss,
        reason = "a file size shown to one decimal"
    )]
    let kb = bytes as f64 / 1024.0;
    let text = if kb < 1024.0 {
        format!("{kb:.0} KB")
    } else {
        format!("{:.1} MB", kb / 1024.0)
    };
    match lang {
        Lang::Vi => text.replace('.', ","),
        Lang::En => text,
    }
}

/// The step's body.
pub(super) fn attachments_view(ctx: FormCtx, errors: Memo<Vec<FieldError>>) -> AnyView {
    let lang = ctx.lang;
    let previews: RwSignal<Vec<(String, String)>> = RwSignal::new(Vec::new());
    // Previews of what is already attached, from the copies kept on the phone.
    Effect::new(move |_| {
        let draft_id = ctx.draft_id.get_value();
        let list = attached(ctx);
        spawn_local(async move {
            for a in list {
                if a.media_type.starts_with("image/")
                    && !previews.with_untracked(|p| p.iter().any(|(s, _)| *s == a.sha256))
                    && let Ok(Some(blob)) = files::get_file_blob(&draft_id, &a.sha256).await
                    && let Some(url) = files::object_url(&blob)
                {
                    previews.try_update(|p| p.push((a.sha256.clone(), url)));
                }
            }
        });
    });
    on_cleanup(move || {
        for (_, url) in previews.get_untracked() {
            files::revoke_object_url(&url);
        }
    });
    let kinds = Memo::new(move |_| ctx.data.with(|d| kinds(ctx.procedure, d)));
    view! {
        <div class="attachments" id="f-attachments" tabindex="-1">
            {move || {
                let errs: Vec<FieldError> = errors.get();
                (!errs.is_empty())
                    .then(|| {
                        view! {
                            <div class="field-error" id="f-attachments-err">
                                {errs
                                    .into_iter()
                                    .map(|e| view! { <p>{e.message(lang.get())}</p> })
                                    .collect_view()}
                            </div>
                        }
                    })
            }}
            {move || {
                kinds
                    .get()
                    .into_iter()
                    .map(|(kind, citation)| kind_block(ctx, kind, citation, previews))
                    .collect_view()
            }}
        </div>
    }
    .into_any()
}

fn kind_block(
    ctx: FormCtx,
    kind: DocumentKind,
    citation: Option<&'static str>,
    previews: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    let lang = ctx.lang;
    let busy = RwSignal::new(false);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let slug = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let on_pick = move |ev: leptos::ev::Event| {
        let picked = files::files_of_input_event(&ev);
        if picked.is_empty() {
            return;
        }
        let draft_id = ctx.draft_id.get_value();
        busy.try_set(true);
        problem.try_set(None);
        spawn_local(async move {
            for file in picked {
                match files::prepare(file, kind).await {
                    Ok((meta, blob)) => {
                        if let Err(e) = files::put_file(&draft_id, &meta, &blob).await {
                            problem.try_set(Some(e.message(lang.get_untracked())));
                            continue;
                        }
                        if meta.media_type.starts_with("image/")
                            && let Some(url) = files::object_url(&blob)
                        {
                            previews.try_update(|p| p.push((meta.sha256.clone(), url)));
                        }
                        let entry = serde_json::to_value(meta.attachment()).unwrap_or(Value::Null);
                        let mut list: Vec<Value> = ctx
                            .data
                            .with_untracked(|d| path::list(d, "attachments").to_vec());
                        if !list.iter().any(|a| {
                            path::text(a, "sha256") == meta.sha256
                                && path::text(a, "kind") == path::text(&entry, "kind")
                        }) {
                            list.push(entry);
                        }
                        ctx.set("attachments", Some(Value::Array(list)));
                    }
                    Err(e) => {
                        problem.try_set(Some(e.message(lang.get_untracked())));
                    }
                }
            }
            busy.try_set(false);
        });
    };
    let camera_id = format!("att-{slug}-camera");
    let file_id = format!("att-{slug}-file");
    let heading_id = format!("att-{slug}");
    let labelledby = heading_id.clone();
    view! {
        <section class="attachment-kind" aria-labelledby=labelledby>
            <h3 id=heading_id>
                {move || kind.name(lang.get())}
                {citation.is_none().then(|| view! { <span class="optional">{move || lang.get().pick(" (không bắt buộc)", " (optional)")}</span> })}
            </h3>
            {citation.map(|c| view! { <p class="hint">{move || lang.get().pick("Bắt buộc theo ", "Required by ")}{c}</p> })}
            <ul class="file-list">
                {move || {
                    attached(ctx)
                        .into_iter()
                        .filter(|a| a.kind == kind)
                        .map(|a| file_item(ctx, &a, previews))
                        .collect_view()
                }}
            </ul>
            <div class="file-buttons">
                <label class="button button-secondary file-button" for=camera_id.clone()>
                    {move || lang.get().pick("Chụp ảnh", "Take a photo")}
                </label>
                <input
                    id=camera_id
                    class="file-input"
                    type="file"
                    accept="image/*"
                    capture="environment"
                    on:change=on_pick
                />
                <label class="button button-secondary file-button" for=file_id.clone()>
                    {move || lang.get().pick("Chọn ảnh hoặc tệp PDF", "Choose a photo or PDF")}
                </label>
                <input
                    id=file_id
                    class="file-input"
                    type="file"
                    accept="image/*,application/pdf"
                    multiple
                    on:change=on_pick
                />
            </div>
            <p class="status-line" role="status">
                {move || busy.get().then(|| lang.get().pick("Đang xử lý ảnh…", "Preparing the file…"))}
            </p>
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
        </section>
    }
}

fn file_item(
    ctx: FormCtx,
    a: &Attachment,
    previews: RwSignal<Vec<(String, String)>>,
) -> impl IntoView + use<> {
    let lang = ctx.lang;
    let sha = a.sha256.clone();
    let sha_for_preview = a.sha256.clone();
    let kind = a.kind;
    let name = if a.file_name.is_empty() {
        a.media_type.clone()
    } else {
        a.file_name.clone()
    };
    let label = name.clone();
    let remove = move |_| {
        let l = lang.get_untracked();
        let question = match l {
            Lang::Vi => format!("Bỏ tệp {label}?"),
            Lang::En => format!("Remove the file {label}?"),
        };
        if !super::confirm(&question) {
            return;
        }
        let mut list: Vec<Value> = ctx
            .data
            .with_untracked(|d| path::list(d, "attachments").to_vec());
        let kind_text = serde_json::to_value(kind).unwrap_or(Value::Null);
        list.retain(|v| !(path::text(v, "sha256") == sha && v.get("kind") == Some(&kind_text)));
        let still_used = list.iter().any(|v| path::text(v, "sha256") == sha);
        ctx.set(
            "attachments",
            (!list.is_empty()).then_some(Value::Array(list)),
        );
        if !still_used {
            let draft_id = ctx.draft_id.get_value();
            let sha = sha.clone();
            spawn_local(async move {
                let _ = files::delete_file(&draft_id, &sha).await;
            });
        }
    };
    let size = a.size_bytes;
    let pdf = a.media_type == "application/pdf";
    view! {
        <li class="file-item">
            {move || {
                previews
                    .with(|p| p.iter().find(|(s, _)| *s == sha_for_preview).map(|(_, u)| u.clone()))
                    .map(|url| view! { <img class="file-thumb" src=url alt="" /> }.into_any())
                    .unwrap_or_else(|| {
                        view! { <span class="file-icon" aria-hidden="true">{if pdf { "PDF" } else { "IMG" }}</span> }
                            .into_any()
                    })
            }}
            <span class="file-name">{name}</span>
            <span class="file-size">{move || size_text(size, lang.get())}</span>
            <button type="button" class="button-secondary button-small" on:click=remove>
                {move || lang.get().pick("Bỏ tệp", "Remove")}
            </button>
        </li>
    }
}
