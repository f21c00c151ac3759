//! The office's request for amendments as the applicant reads it on "Hồ sơ của tôi" (a dossier in
//! `supplement_requested`): the overall note, each flagged field or attachment with the officer's
//! note (named as the form names it: step › field), the last day to resubmit, and the letter
//! (TT 68/2025 Mẫu 10 / TT 03/2025 Mẫu 02) as a PDF. Read from
//! `GET /api/v1/dossiers/{code}/supplement?phone=…`.

use domain::{Lang, Procedure, api::SupplementRequest, attachments::DocumentKind};
use leptos::{prelude::*, task::spawn_local};

use super::lookup::vietnamese_date;
use crate::{
    forms::{FormSpec, tr},
    i18n::use_lang,
    platform::{self, net},
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

/// The request's URL for a dossier and its phone.
#[must_use]
pub fn supplement_url(code: &str, phone: &str) -> String {
    format!(
        "{}/dossiers/{}/supplement?phone={}",
        net::API,
        net::encode_component(code.trim()),
        net::encode_component(phone.trim())
    )
}

/// The request for amendments of a sent dossier.
#[component]
#[expect(
    clippy::needless_pass_by_value,
    reason = "a component's props are owned"
)]
pub fn SupplementView(
    /// The dossier code.
    code: String,
    /// The applicant's phone (the second factor).
    phone: String,
    /// The procedure (to name the flagged fields).
    procedure: Procedure,
) -> impl IntoView {
    let lang = use_lang();
    let request: RwSignal<Option<Result<SupplementRequest, String>>> = RwSignal::new(None);
    let url = supplement_url(&code, &phone);
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
                    let pdf = r.document_url.clone().map(|u| format!("{u}?phone={}", net::encode_component(&phone)));
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
                    }.into_any()
                }
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            supplement_url("A-1", "0905 1"),
            "/api/v1/dossiers/A-1/supplement?phone=0905%201"
        );
    }
}
