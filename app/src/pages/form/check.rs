//! "Kiểm tra lại hồ sơ": every answer of every step that applies, each step with a change link; the
//! applicant's contact for updates; and "Nộp hồ sơ", which puts the dossier in the outbox (sent now or
//! when the network returns, exactly once).

use domain::{
    Lang, SoDienThoai, Vnd,
    api::{Applicant, AssistedConfirmation, Principal, Role, SubmitDossier},
};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{NavigateOptions, hooks::use_navigate};
use serde_json::Value;

use super::{
    DraftHandle, error_summary, focus_later, profile_from,
    widgets::{FormCtx, vsic_name},
};
use crate::{
    forms::{self, APPLICANT_KEY, Field, Kind, path, tr},
    platform::{outbox, store},
};

/// A field's answer as text for the check page (and the staff's view of a dossier).
pub fn answer(field: &Field, value: &Value, base: &str, lang: Lang) -> String {
    let p = if base.is_empty() {
        field.path.to_owned()
    } else {
        format!("{base}.{}", field.path)
    };
    let text = path::text(value, &p);
    let none = || lang.pick("Chưa điền", "Not filled in").to_owned();
    match &field.kind {
        Kind::Bool => lang
            .pick(
                if path::flag(value, &p) {
                    "Có"
                } else {
                    "Không"
                },
                if path::flag(value, &p) { "Yes" } else { "No" },
            )
            .to_owned(),
        Kind::Choice(options) => options
            .iter()
            .find(|o| o.value == text)
            .map_or_else(none, |o| tr(o.label, lang).to_owned()),
        Kind::Commune => domain::MaXa::parse(&text).map_or_else(
            |_| {
                if text.is_empty() {
                    none()
                } else {
                    text.clone()
                }
            },
            |c| c.name().to_owned(),
        ),
        Kind::Money => Vnd::parse(&text).map_or_else(
            |_| {
                if text.is_empty() {
                    none()
                } else {
                    text.clone()
                }
            },
            |v| format!("{} đồng ({})", v.grouped(), v.in_words(lang)),
        ),
        Kind::Provinces => join(
            path::list(value, &p)
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        ),
        Kind::PromotionForms => join(path::list(value, &p).iter().filter_map(|v| {
            serde_json::from_value::<domain::forms::promotion::PromotionForm>(v.clone())
                .ok()
                .map(|f| f.name(lang).to_owned())
        })),
        Kind::Lines { .. } => join(path::list(value, &p).iter().map(|l| {
            let code = path::text(l, "code");
            let name = path::text(l, "name");
            let name = if name.is_empty() {
                vsic_name(&code).unwrap_or_default().to_owned()
            } else {
                name
            };
            let main = if path::flag(l, "main") {
                lang.pick(" (ngành chính)", " (main line)")
            } else {
                ""
            };
            if code.is_empty() {
                format!("{name}{main}")
            } else {
                format!("{code} — {name}{main}")
            }
        })),
        Kind::VsicCode => {
            if text.is_empty() {
                none()
            } else {
                format!("{text} — {}", vsic_name(&text).unwrap_or_default())
            }
        }
        Kind::Table { row, fields } => {
            let rows = path::list(value, &p);
            join(rows.iter().enumerate().map(|(i, r)| {
                let first: Vec<String> = fields
                    .iter()
                    .take(2)
                    .map(|f| path::text(r, f.path))
                    .filter(|t| !t.is_empty())
                    .collect();
                format!("{} {}: {}", tr(*row, lang), i + 1, first.join(", "))
            }))
        }
        Kind::Sections(options) => join(
            options
                .iter()
                .filter(|o| path::has_object(value, o.value))
                .map(|o| tr(o.label, lang).to_owned()),
        ),
        Kind::Attachments => join(path::list(value, "attachments").iter().map(|a| {
            let kind = serde_json::from_value::<domain::attachments::DocumentKind>(
                a.get("kind").cloned().unwrap_or(Value::Null),
            )
            .map(|k| k.name(lang).to_owned())
            .unwrap_or_default();
            format!("{kind}: {}", path::text(a, "file_name"))
        })),
        _ => {
            if text.is_empty() {
                none()
            } else {
                text
            }
        }
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "—".to_owned()
    } else {
        items.join("; ")
    }
}

/// The check page.
#[component]
pub fn CheckAnswers(ctx: FormCtx, handle: DraftHandle) -> impl IntoView {
    let lang = ctx.lang;
    let spec = ctx.spec();
    let data = ctx.data;
    let id = ctx.draft_id.get_value();
    // The applicant's contact starts as the form's own name and phone.
    let (name_from, phone_from) = spec.applicant_from;
    data.update(|d| {
        for (from, to) in [(name_from, "name"), (phone_from, "phone")] {
            let target = format!("{APPLICANT_KEY}.{to}");
            if path::text(d, &target).is_empty() {
                let v = path::text(d, from);
                if !v.is_empty() {
                    path::set(d, &target, Some(Value::String(v)), &|_| false);
                }
            }
        }
    });
    let contact_errors = Memo::new(move |_| {
        data.with(|d| {
            let mut out = Vec::new();
            if path::text(d, &format!("{APPLICANT_KEY}.name")).trim().is_empty() {
                out.push((
                    "applicant-name",
                    ("Hãy nhập họ và tên người nộp hồ sơ.", "Enter the name of the person filing."),
                ));
            }
            if SoDienThoai::parse(&path::text(d, &format!("{APPLICANT_KEY}.phone"))).is_err() {
                out.push((
                    "applicant-phone",
                    (
                        "Hãy nhập số điện thoại di động 10 chữ số để nhận tin và tra cứu hồ sơ, ví dụ 0912345678.",
                        "Enter a 10-digit mobile number to get updates and look the dossier up, e.g. 0912345678.",
                    ),
                ));
            }
            out
        })
    });
    // A corrected copy goes back to its dossier: the same applicant phone (the second factor).
    let amends = handle.saved.get_value().amends;
    let resubmission = amends.is_some();
    // An officer signed in on the tablet files for the citizen at the counter ("assisted"): the citizen
    // confirms with the code texted to the applicant's phone.
    let session = crate::pages::account::use_session();
    let assisted = Memo::new(move |_| {
        !resubmission
            && session.with(|s| {
                s.as_ref().is_some_and(|s| {
                    matches!(
                        s.principal,
                        Principal::Staff {
                            role: Role::CommuneOfficer | Role::TradeOfficer,
                            must_change_password: false,
                            ..
                        }
                    )
                })
            })
    });
    let assisted_code = RwSignal::new(String::new());
    let code_errors = Memo::new(move |_| {
        if assisted.get()
            && assisted_code
                .with(|c| domain::accounts::parse_one_time_code(c))
                .is_none()
        {
            vec![(
                "assisted-code",
                (
                    "Hãy gửi mã xác nhận đến số điện thoại của người dân và nhập mã 6 chữ số họ đọc cho bạn.",
                    "Send the confirmation code to the citizen's phone and enter the 6 digits they read to you.",
                ),
            )]
        } else {
            Vec::new()
        }
    });
    let tried = RwSignal::new(false);
    let sending = RwSignal::new(false);
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let navigate = use_navigate();
    let submit_id = id.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if sending.get_untracked() {
            return;
        }
        tried.set(true);
        ctx.show_errors.set(true);
        let code_typed = assisted_code
            .with_untracked(|c| domain::accounts::parse_one_time_code(c))
            .unwrap_or_default();
        let code_missing = !code_errors.with_untracked(Vec::is_empty);
        if !ctx.errors.with_untracked(Vec::is_empty)
            || !contact_errors.with_untracked(Vec::is_empty)
            || code_missing
        {
            focus_later(Some("error-summary".to_owned()));
            return;
        }
        sending.try_set(true);
        problem.try_set(None);
        let data_now = data.get_untracked();
        let saved = handle.saved.get_value();
        let body = SubmitDossier {
            procedure: ctx.procedure,
            form_version: saved.draft.form_version,
            form: forms::for_server(&data_now),
            applicant: Applicant {
                name: path::text(&data_now, &format!("{APPLICANT_KEY}.name"))
                    .trim()
                    .to_owned(),
                phone: amends.as_ref().map_or_else(
                    || {
                        path::text(&data_now, &format!("{APPLICANT_KEY}.phone"))
                            .trim()
                            .to_owned()
                    },
                    |a| a.phone.clone(),
                ),
            },
            assisted: assisted.get_untracked().then(|| AssistedConfirmation {
                code: code_typed.clone(),
            }),
        };
        let by_staff = assisted.get_untracked()
            || crate::platform::owner::last_known().kind
                == crate::platform::owner::OwnerKind::Staff
            || session.with_untracked(|s| {
                s.as_ref()
                    .is_some_and(|s| matches!(s.principal, Principal::Staff { .. }))
            });
        let navigate = navigate.clone();
        let id = submit_id.clone();
        let l = lang.get_untracked();
        spawn_local(async move {
            if let Err(m) = handle.save().await {
                problem.try_set(Some(m));
                sending.try_set(false);
                return;
            }
            match outbox::enqueue(&id, body).await {
                Ok(()) => {
                    // "Tell us once" remembers the filer's own details. An officer files for citizens:
                    // their details never go into the officer's profile (nor anyone else's).
                    if !by_staff {
                        let old = store::get_profile().await.ok().flatten();
                        let _ =
                            store::put_profile(&profile_from(ctx.procedure, &data_now, old)).await;
                    }
                    navigate(&format!("/ho-so/{id}"), NavigateOptions::default());
                }
                Err(e) => {
                    problem.try_set(Some(e.message(l)));
                    sending.try_set(false);
                }
            }
        });
    };
    let steps = move || {
        data.with(|d| {
            spec.visible_steps(d)
                .into_iter()
                .map(|step| {
                    let rows: Vec<(String, String)> = step
                        .fields
                        .iter()
                        .filter(|f| f.visible(d))
                        .map(|f| {
                            (
                                tr(f.label, lang.get()).to_owned(),
                                answer(f, d, "", lang.get()),
                            )
                        })
                        .collect();
                    (step, rows)
                })
                .collect::<Vec<_>>()
        })
    };
    let link_id = id.clone();
    view! {
        <form class="check-page" novalidate on:submit=submit>
            <h1>{move || lang.get().pick("Kiểm tra lại hồ sơ", "Check your answers")}</h1>
            <p class="lead">
                {move || lang.get().pick(
                    "Đọc lại từng phần. Bấm \"Sửa\" để thay đổi; thông tin đã nhập vẫn được giữ.",
                    "Read each part again. Press \"Change\" to edit; nothing you typed is lost.",
                )}
            </p>
            {move || {
                let errs = ctx.errors.get();
                (ctx.show_errors.get() && !errs.is_empty())
                    .then(|| error_summary(spec, &errs, lang.get(), Some(&link_id)))
            }}
            {move || {
                let mut errs = contact_errors.get();
                errs.extend(code_errors.get());
                (tried.get() && !errs.is_empty() && ctx.errors.with(Vec::is_empty)).then(|| {
                    view! {
                        <div class="error-summary" id="error-summary" role="alert" tabindex="-1">
                            <h2>{lang.get().pick("Cần sửa trước khi nộp", "Please fix these first")}</h2>
                            <ul>
                                {errs
                                    .into_iter()
                                    .map(|(anchor, text)| view! { <li><a href=format!("#{anchor}")>{tr(text, lang.get())}</a></li> })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                })
            }}
            {move || {
                steps()
                    .into_iter()
                    .map(|(step, rows)| {
                        let href = format!("/soan/{}/{}", ctx.draft_id.get_value(), step.slug);
                        let title = tr(step.title, lang.get());
                        view! {
                            <section class="answers">
                                <div class="answers-head">
                                    <h2>{title}</h2>
                                    <a href=href class="change-link">
                                        {lang.get().pick("Sửa", "Change")}
                                        <span class="visually-hidden">{format!(" {title}")}</span>
                                    </a>
                                </div>
                                <dl>
                                    {rows
                                        .into_iter()
                                        .map(|(k, v)| view! { <div><dt>{k}</dt><dd>{v}</dd></div> })
                                        .collect_view()}
                                </dl>
                            </section>
                        }
                    })
                    .collect_view()
            }}
            <section class="answers">
                <h2>{move || lang.get().pick("Người nộp hồ sơ", "Person filing")}</h2>
                <p class="hint">
                    {move || lang.get().pick(
                        "Số điện thoại này nhận tin nhắn về hồ sơ và dùng để tra cứu hồ sơ.",
                        "This number gets messages about the dossier and is needed to look it up.",
                    )}
                </p>
                {contact_field(ctx, "applicant-name", "name", ("Họ và tên", "Full name"), "name", contact_errors, tried)}
                {contact_field(ctx, "applicant-phone", "phone", ("Số điện thoại di động", "Mobile number"), "tel", contact_errors, tried)}
            </section>
            {move || assisted.get().then(|| view! { <AssistedConfirm ctx code=assisted_code errors=code_errors tried /> })}
            {move || problem.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            <p class="hint">
                {move || lang.get().pick(
                    "Không có mạng cũng nộp được: hồ sơ được giữ trên máy và tự gửi một lần khi có mạng.",
                    "No connection? You can still submit: the dossier waits on the phone and is sent once when the network returns.",
                )}
            </p>
            <div class="form-nav">
                <button type="submit" class="button" disabled=move || sending.get()>
                    {move || if sending.get() {
                        lang.get().pick("Đang nộp…", "Submitting…")
                    } else if resubmission {
                        lang.get().pick("Gửi lại hồ sơ", "Resubmit the dossier")
                    } else {
                        lang.get().pick("Nộp hồ sơ", "Submit the dossier")
                    }}
                </button>
            </div>
        </form>
    }
}

/// The officer's part of an assisted submission: text the citizen a confirmation code, type the code
/// the citizen reads out.
#[component]
fn AssistedConfirm(
    ctx: FormCtx,
    code: RwSignal<String>,
    errors: Memo<Vec<(&'static str, (&'static str, &'static str))>>,
    tried: RwSignal<bool>,
) -> impl IntoView {
    let lang = ctx.lang;
    let phone = move || {
        ctx.data
            .with(|d| path::text(d, &format!("{APPLICANT_KEY}.phone")))
    };
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let send = move |_| {
        let number = phone();
        busy.set(true);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match crate::platform::staff::send_assisted_code(&number, l).await {
                Ok(_) => {
                    sent.try_set(true);
                    failure.try_set(None);
                }
                Err(e) => {
                    failure.try_set(Some(e.message(l)));
                }
            }
            busy.try_set(false);
        });
    };
    let error = move || {
        (tried.get() && !errors.with(Vec::is_empty))
            .then(|| errors.with(|e| e.first().map(|(_, text)| tr(*text, lang.get()).to_owned())))
            .flatten()
    };
    view! {
        <section class="answers assisted" aria-labelledby="assisted-title">
            <h2 id="assisted-title">{move || lang.get().pick("Nộp giúp người dân tại bộ phận một cửa", "Filing for a citizen at the counter")}</h2>
            <p class="hint">{move || lang.get().pick(
                "Bạn đang đăng nhập bằng tài khoản cán bộ: hồ sơ ghi kênh “nộp tại bộ phận một cửa” và tên bạn. Người dân xác nhận bằng mã gửi đến số điện thoại của họ ở trên, rồi đọc mã cho bạn.",
                "You are signed in as staff: the dossier records the counter channel and your name. The citizen confirms with the code texted to their phone above, and reads it to you.",
            )}</p>
            <button type="button" class="button-secondary" disabled=busy on:click=send>
                {move || if sent.get() {
                    lang.get().pick("Gửi lại mã xác nhận", "Send the code again")
                } else {
                    lang.get().pick("Gửi mã xác nhận đến số của người dân", "Text the code to the citizen")
                }}
            </button>
            {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            {move || sent.get().then(|| view! {
                <p class="hint" role="status">{move || match lang.get() {
                    Lang::Vi => format!("Đã gửi mã đến số {}.", phone()),
                    Lang::En => format!("The code was sent to {}.", phone()),
                }}</p>
            })}
            <div class="field" class:field-invalid=move || error().is_some()>
                <label for="assisted-code">{move || lang.get().pick("Mã xác nhận người dân đọc cho bạn (6 chữ số)", "Code the citizen reads to you (6 digits)")}</label>
                {move || error().map(|m| view! { <p class="field-error" id="assisted-code-err">{m}</p> })}
                <input id="assisted-code" type="text" inputmode="numeric" autocomplete="off" class="input-code" maxlength="9"
                    aria-describedby=move || error().is_some().then_some("assisted-code-err")
                    aria-invalid=move || if error().is_some() { "true" } else { "false" }
                    prop:value=move || code.get()
                    on:input=move |ev| code.set(event_target_value(&ev)) />
            </div>
        </section>
    }
}

fn contact_field(
    ctx: FormCtx,
    dom_id: &'static str,
    key: &'static str,
    label: (&'static str, &'static str),
    kind: &'static str,
    errors: Memo<Vec<(&'static str, (&'static str, &'static str))>>,
    tried: RwSignal<bool>,
) -> impl IntoView {
    let lang = ctx.lang;
    let p = format!("{APPLICANT_KEY}.{key}");
    let p2 = p.clone();
    let error = move || {
        tried
            .get()
            .then(|| errors.with(|es| es.iter().find(|(a, _)| *a == dom_id).map(|(_, t)| *t)))
            .flatten()
    };
    view! {
        <div class="field" class:field-invalid=move || error().is_some()>
            <label for=dom_id>{move || tr(label, lang.get())}</label>
            {move || error().map(|t| view! { <p class="field-error" id=format!("{dom_id}-err")>{tr(t, lang.get())}</p> })}
            <input
                id=dom_id
                type=if kind == "tel" { "tel" } else { "text" }
                autocomplete=kind
                inputmode=if kind == "tel" { Some("tel") } else { None }
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=move || error().map(|_| format!("{dom_id}-err"))
                prop:value=move || ctx.data.with(|d| path::text(d, &p))
                on:input=move |ev| ctx.set_text(&p2, event_target_value(&ev))
            />
        </div>
    }
}
