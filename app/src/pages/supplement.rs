//! The office's request for amendments as the applicant reads it on "Hồ sơ của tôi" (a dossier in
//! `supplement_requested`): the overall note, each flagged field or attachment with the officer's
//! note (named as the form names it: step › field), the last day to resubmit, and the letter
//! (TT 68/2025 Mẫu 10 / TT 03/2025 Mẫu 02) as a PDF. Read from
//! `GET /api/v1/dossiers/{code}/supplement` (the owner's session or the dossier-scoped access).

use domain::{
    Lang, Procedure,
    api::{SubmitDossier, SupplementItem, SupplementRequest},
    attachments::DocumentKind,
    forms::{Draft, DraftId},
};
use leptos::{prelude::*, task::spawn_local};

use super::lookup::vietnamese_date;
use crate::{
    forms::{APPLICANT_KEY, FormSpec, Kind, tr},
    i18n::use_lang,
    platform::{
        self, net,
        store::{Amendment, SavedDraft},
    },
};

/// How an item's target reads: `Bước › Ô` for a field of the form, the document's name for
/// `attachment:<kind>`, the path itself when the form has no such field.
#[must_use]
pub fn target_label(procedure: Procedure, target: &str, lang: Lang) -> String {
    if let Some(kind) = target.strip_prefix("attachment:") {
        let name =
            serde_json::from_value::<DocumentKind>(serde_json::Value::String(kind.to_owned()))
                .map_or_else(|_| kind.to_owned(), |k| k.name(lang).to_owned());
        return format!("{}: {name}", lang.pick("Giấy tờ đính kèm", "Attachment"));
    }
    let path = target.strip_prefix("form.").unwrap_or(target);
    FormSpec::of(procedure).field_of(path).map_or_else(
        || target.to_owned(),
        |(step, field)| format!("{} › {}", tr(step.title, lang), tr(field.label, lang)),
    )
}

/// The office's notes that belong on a step of the form: (what, note) for each item whose field is
/// on that step, and the attachment items on the step of the attachments.
#[must_use]
pub fn notes_for_step(
    procedure: Procedure,
    step_slug: &str,
    items: &[SupplementItem],
    lang: Lang,
) -> Vec<(String, String)> {
    items
        .iter()
        .filter(|item| step_of(procedure, &item.target) == Some(step_slug))
        .map(|item| {
            (
                target_label(procedure, &item.target, lang),
                item.note.clone(),
            )
        })
        .collect()
}

/// The step an item's target is on.
fn step_of(procedure: Procedure, target: &str) -> Option<&'static str> {
    let spec = FormSpec::of(procedure);
    if target.starts_with("attachment:") {
        return spec
            .steps
            .iter()
            .find(|s| s.fields.iter().any(|f| matches!(f.kind, Kind::Attachments)))
            .map(|s| s.slug);
    }
    spec.field_of(target.strip_prefix("form.").unwrap_or(target))
        .map(|(step, _)| step.slug)
}

/// The first step (in the form's order) with something to amend; the first step when none is found.
#[must_use]
pub fn first_flagged_step(procedure: Procedure, items: &[SupplementItem]) -> &'static str {
    let spec = FormSpec::of(procedure);
    let flagged: Vec<&str> = items
        .iter()
        .filter_map(|i| step_of(procedure, &i.target))
        .collect();
    spec.steps
        .iter()
        .map(|s| s.slug)
        .find(|slug| flagged.contains(slug))
        .unwrap_or(spec.steps[0].slug)
}

/// A new draft that corrects a sent dossier: its form as sent (with the applicant as sent), linked to
/// the dossier and the office's request.
#[must_use]
pub fn amendment_draft(
    id: &str,
    sent: &SubmitDossier,
    code: &str,
    request: SupplementRequest,
    now_rfc3339: &str,
) -> SavedDraft {
    let mut data = sent.form.clone();
    if let serde_json::Value::Object(map) = &mut data {
        map.insert(
            APPLICANT_KEY.to_owned(),
            serde_json::json!({"name": sent.applicant.name, "phone": sent.applicant.phone}),
        );
    }
    let mut draft = Draft::new(DraftId(id.to_owned()), sent.procedure);
    draft.form_version = sent.form_version;
    draft.data = data;
    draft.updated_at = now_rfc3339.to_owned();
    let mut saved = SavedDraft::new(draft);
    saved.amends = Some(Box::new(Amendment {
        code: code.to_owned(),
        phone: sent.applicant.phone.clone(),
        request,
    }));
    saved
}

/// The request's URL for a dossier (the owner's session or the dossier-scoped access opens it).
#[must_use]
pub fn supplement_url(code: &str) -> String {
    format!(
        "{}/dossiers/{}/supplement",
        net::API,
        net::encode_component(code.trim())
    )
}

/// The request for amendments of a sent dossier.
#[component]
pub fn SupplementView(
    /// The dossier code.
    code: String,
    /// The procedure (to name the flagged fields).
    procedure: Procedure,
) -> impl IntoView {
    let lang = use_lang();
    let request: RwSignal<Option<Result<SupplementRequest, String>>> = RwSignal::new(None);
    let url = supplement_url(&code);
    Effect::new(move |_| {
        let url = url.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let answer = platform::net::get_json::<SupplementRequest>(&url, l).await;
            request.try_set(Some(answer.map_err(|e| e.message(l))));
        });
    });
    view! {
        <section class="notice notice-warn" aria-labelledby="supplement-title">
            <h2 id="supplement-title">{move || lang.get().pick("Cơ quan yêu cầu sửa đổi, bổ sung hồ sơ", "The office asks for amendments")}</h2>
            {move || match request.get() {
                None => view! { <p class="loading" role="status">{move || lang.get().pick("Đang tải yêu cầu…", "Loading the request…")}</p> }.into_any(),
                Some(Err(m)) => view! { <p class="field-error" role="alert">{m}</p> }.into_any(),
                Some(Ok(r)) => {
                    let pdf = r.document_url.clone();
                    view! {
                        {r.note.clone().map(|n| view! { <p>{n}</p> })}
                        {r.deadline.map(|d| view! {
                            <p>
                                <strong>{move || lang.get().pick("Hạn gửi bổ sung: ", "Resubmit by: ")}{vietnamese_date(&d.to_string())}</strong>
                                " "
                                {move || lang.get().pick(
                                    "(quá hạn, hồ sơ bị hủy theo Nghị định 168/2025/NĐ-CP, điều 95).",
                                    "(after that the dossier is cancelled, Decree 168/2025, art. 95).",
                                )}
                            </p>
                        })}
                        <h3>{move || lang.get().pick("Nội dung cần sửa", "What to amend")}</h3>
                        <ul class="supplement-items">
                            {r.items.iter().map(|item| {
                                let target = item.target.clone();
                                let note = item.note.clone();
                                view! {
                                    <li>
                                        <strong>{move || target_label(procedure, &target, lang.get())}</strong>
                                        <p>{note}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {pdf.map(|href| view! {
                            <p><a href=href rel="external" download>{move || lang.get().pick("Tải văn bản yêu cầu (PDF)", "Download the request letter (PDF)")}</a></p>
                        })}
                        <AmendButton code=code.clone() request=r />
                    }.into_any()
                }
            }}
        </section>
    }
}

/// On a step of a corrected copy: what the office asked to amend on this step.
pub fn step_notes(
    procedure: Procedure,
    step_slug: &'static str,
    amends: Option<Box<Amendment>>,
    lang: Signal<Lang>,
) -> impl IntoView {
    amends.and_then(|a| {
        let items = a.request.items;
        let any = !notes_for_step(procedure, step_slug, &items, Lang::Vi).is_empty();
        any.then(|| {
            view! {
                <div class="notice notice-warn office-notes" role="note">
                    <h2>{move || lang.get().pick("Cán bộ yêu cầu sửa ở bước này", "The office asks to amend on this step")}</h2>
                    <ul>
                        {move || notes_for_step(procedure, step_slug, &items, lang.get())
                            .into_iter()
                            .map(|(what, note)| view! { <li><strong>{what}</strong>": "{note}</li> })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    })
}

/// "Sửa hồ sơ để gửi bổ sung": opens the corrected copy of the dossier (made on the first press from
/// the form as sent, kept on the phone and editable offline), at the first step with something to
/// amend. Once the copy is sent, says so instead.
#[component]
fn AmendButton(code: String, request: SupplementRequest) -> impl IntoView {
    use crate::platform::{
        outbox::{self, OutboxState},
        store::{self, DraftStatus},
    };
    use leptos_router::{NavigateOptions, hooks::use_navigate};

    let lang = use_lang();
    // The corrected copy of this dossier already on the phone: (draft id, still being edited).
    let existing: RwSignal<Option<(String, bool)>> = RwSignal::new(None);
    let problem = RwSignal::new(None::<String>);
    let code_for_load = code.clone();
    Effect::new(move |_| {
        let code = code_for_load.clone();
        spawn_local(async move {
            if let Ok(drafts) = store::list_drafts().await {
                let found = drafts
                    .into_iter()
                    .find(|d| d.amends.as_ref().is_some_and(|a| a.code == code))
                    .map(|d| (d.id().to_owned(), d.status == DraftStatus::Editing));
                existing.try_set(found);
            }
        });
    });
    let navigate = use_navigate();
    let procedure_of = StoredValue::new(request.clone());
    let open = move |_| {
        let (code, request) = (code.clone(), procedure_of.get_value());
        let navigate = navigate.clone();
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            let draft = match existing.get_untracked() {
                Some((id, _)) => store::get_draft(&id).await.ok().flatten(),
                None => {
                    let entries = outbox::list().await.unwrap_or_default();
                    let sent = entries.into_iter().find(|e| {
                        matches!(&e.state, OutboxState::Sent { receipt } if receipt.code == code)
                    });
                    match sent {
                        Some(entry) => {
                            let copy = amendment_draft(
                                &store::new_id(),
                                &entry.body,
                                &code,
                                request.clone(),
                                &platform::now_rfc3339(),
                            );
                            match store::put_draft(&copy).await {
                                Ok(()) => Some(copy),
                                Err(e) => {
                                    problem.try_set(Some(e.message(l)));
                                    return;
                                }
                            }
                        }
                        None => None,
                    }
                }
            };
            match draft {
                Some(d) => {
                    let step = first_flagged_step(d.draft.procedure, &request.items);
                    navigate(
                        &format!("/soan/{}/{step}", d.id()),
                        NavigateOptions::default(),
                    );
                }
                None => {
                    problem.try_set(Some(
                        l.pick(
                            "Máy này không còn giữ bản hồ sơ đã nộp nên không sửa được tại đây. Hãy liên hệ bộ phận một cửa để được hướng dẫn.",
                            "This phone no longer keeps the dossier as sent, so it cannot be corrected here. Contact the one-stop desk for help.",
                        )
                        .to_owned(),
                    ));
                }
            }
        });
    };
    view! {
        {move || match existing.get() {
            Some((id, false)) => view! {
                <p class="hint" role="status">
                    {move || lang.get().pick("Đã gửi bổ sung. ", "Amendments sent. ")}
                    <a href=format!("/ho-so/{id}")>{move || lang.get().pick("Xem bản đã gửi", "See what was sent")}</a>
                </p>
            }.into_any(),
            _ => view! {
                <button type="button" class="button" on:click=open.clone()>
                    {move || lang.get().pick("Sửa hồ sơ để gửi bổ sung", "Correct the dossier and resubmit")}
                </button>
            }.into_any(),
        }}
        {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_copy_keeps_the_form_and_opens_on_the_first_flagged_step() {
        let spec = FormSpec::of(Procedure::HkdRegistration);
        let (owner_step, _) = spec.field_of("owner.full_name").expect("a field");
        let attachments_step = spec
            .steps
            .iter()
            .find(|s| s.fields.iter().any(|f| matches!(f.kind, Kind::Attachments)))
            .expect("a step of attachments");
        let items = vec![
            SupplementItem {
                target: "attachment:household_authorisation".to_owned(),
                note: "Thiếu bản sao có chứng thực".to_owned(),
            },
            SupplementItem {
                target: "owner.full_name".to_owned(),
                note: "Họ tên khác với căn cước".to_owned(),
            },
        ];
        assert_eq!(
            first_flagged_step(Procedure::HkdRegistration, &items),
            owner_step.slug,
            "the owner's step comes before the attachments"
        );
        let notes = notes_for_step(
            Procedure::HkdRegistration,
            attachments_step.slug,
            &items,
            Lang::Vi,
        );
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].1, "Thiếu bản sao có chứng thực");
        assert_eq!(
            first_flagged_step(Procedure::HkdRegistration, &[]),
            spec.steps[0].slug
        );

        let sent = SubmitDossier {
            procedure: Procedure::HkdRegistration,
            form_version: domain::forms::FormVersion::current(Procedure::HkdRegistration),
            form: serde_json::json!({"owner": {"full_name": "Nguyen Van An"}}),
            applicant: domain::api::Applicant {
                name: "Nguyễn Văn An".to_owned(),
                phone: "0905123456".to_owned(),
            },
            assisted: None,
        };
        let request = SupplementRequest {
            requested_at: "2026-11-23T09:00:00+07:00".to_owned(),
            deadline: None,
            note: None,
            items,
            document_url: None,
        };
        let copy = amendment_draft("id-1", &sent, "CODE-1", request, "2026-11-23T03:00:00Z");
        assert_eq!(copy.id(), "id-1");
        assert_eq!(copy.status, crate::platform::store::DraftStatus::Editing);
        assert_eq!(copy.draft.data["owner"]["full_name"], "Nguyen Van An");
        assert_eq!(copy.draft.data[APPLICANT_KEY]["phone"], "0905123456");
        assert_eq!(
            crate::forms::for_server(&copy.draft.data),
            sent.form,
            "sent back as the form"
        );
        let amends = copy.amends.expect("linked");
        assert_eq!(
            (amends.code.as_str(), amends.phone.as_str()),
            ("CODE-1", "0905123456")
        );
    }

    #[test]
    fn a_target_reads_as_the_form_names_it() {
        let field = target_label(Procedure::HkdRegistration, "owner.full_name", Lang::Vi);
        assert!(field.contains(" › "), "{field}");
        assert_eq!(
            target_label(Procedure::HkdRegistration, "form.owner.full_name", Lang::Vi),
            field,
            "the API's form. prefix is ignored"
        );
        let attachment = target_label(
            Procedure::HkdRegistration,
            "attachment:household_authorisation",
            Lang::Vi,
        );
        assert!(
            attachment.starts_with("Giấy tờ đính kèm: Bản sao văn bản ủy quyền"),
            "{attachment}"
        );
        assert_eq!(
            target_label(
                Procedure::HkdRegistration,
                "attachment:unknown_kind",
                Lang::En
            ),
            "Attachment: unknown_kind"
        );
        assert_eq!(supplement_url("A-1"), "/api/v1/dossiers/A-1/supplement");
    }
}
