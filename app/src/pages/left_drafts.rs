//! At sign-in, the drafts started on this device without signing in during an earlier visit. On a
//! shared counter tablet they may be another person's, so they never move into the account that signs
//! in unasked (the drafts of this very visit do, see `platform::owner`): this asks — move them into my
//! account, or leave them. A native-button question at the top of the page, its heading focused when it
//! appears, the outcome said in a `role="status"` region.

use domain::Lang;
use leptos::{prelude::*, task::spawn_local};

use crate::{i18n::use_lang, platform::store::SavedDraft};

/// The older anonymous drafts the person who just signed in is asked about (empty: no question).
#[derive(Debug, Clone, Copy)]
pub struct LeftDrafts(pub RwSignal<Vec<SavedDraft>>);

/// Provides [`LeftDrafts`]; answers its signal.
pub fn provide_left_drafts() -> RwSignal<Vec<SavedDraft>> {
    let left = RwSignal::new(Vec::new());
    provide_context(LeftDrafts(left));
    left
}

/// The signal of [`LeftDrafts`] (a fresh empty one outside the app).
#[must_use]
pub fn use_left_drafts() -> RwSignal<Vec<SavedDraft>> {
    use_context::<LeftDrafts>().map_or_else(|| RwSignal::new(Vec::new()), |l| l.0)
}

/// The question's heading: how many drafts, and that nobody was signed in.
#[must_use]
pub fn question_title(count: usize, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("Máy này có {count} bản nháp được soạn khi chưa đăng nhập"),
        Lang::En => format!("This device holds {count} draft(s) made without signing in"),
    }
}

/// What was done, for the status region.
#[must_use]
pub fn outcome_text(moved: Option<usize>, left: usize, lang: Lang) -> String {
    match (moved, lang) {
        (Some(n), Lang::Vi) => format!("Đã chuyển {n} bản nháp vào tài khoản của bạn."),
        (Some(n), Lang::En) => format!("Moved {n} draft(s) into your account."),
        (None, Lang::Vi) => format!(
            "Đã để lại {left} bản nháp trên máy, ngoài tài khoản của bạn. Người soạn xem lại được khi dùng máy này mà không đăng nhập."
        ),
        (None, Lang::En) => format!(
            "Left {left} draft(s) on the device, outside your account. Whoever made them finds them using this device without signing in."
        ),
    }
}

/// The question, shown while [`LeftDrafts`] holds drafts.
#[component]
pub fn LeftDraftsQuestion() -> impl IntoView {
    let lang = use_lang();
    let left = use_left_drafts();
    let outcome = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // The heading takes the focus when the question appears, so a screen reader reads it at once.
    Effect::new(move |_| {
        if !left.with(Vec::is_empty) {
            outcome.set(None);
            crate::pages::form::focus_later(Some("left-drafts-title".to_owned()));
        }
    });
    let answered = move |text: String| {
        left.set(Vec::new());
        outcome.set(Some(text));
        crate::pages::form::focus_later(Some("left-drafts-outcome".to_owned()));
    };
    let move_them = move |_| {
        let ids: Vec<String> =
            left.with_untracked(|l| l.iter().map(|d| d.id().to_owned()).collect());
        failure.set(None);
        if crate::platform::owner::last_known().kind == crate::platform::owner::OwnerKind::Anonymous
        {
            // Signed out meanwhile (in another tab): there is no account to move them into.
            failure.set(Some(lang.get_untracked().pick(
                "Không còn ai đăng nhập trên máy này. Hãy đăng nhập lại rồi chọn chuyển các bản nháp; chúng vẫn còn trên máy.",
                "Nobody is signed in on this device any more. Sign in again, then choose to move the drafts; they are still on the device.",
            ).to_owned()));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let l = crate::i18n::current_lang();
            match crate::platform::owner::move_left(&ids).await {
                Ok(n) => answered(outcome_text(Some(n), 0, l)),
                Err(e) => {
                    failure.try_set(Some(match l {
                        Lang::Vi => format!(
                            "Chưa chuyển được các bản nháp ({}). Chúng vẫn còn trên máy; hãy thử lại.",
                            e.message(l)
                        ),
                        Lang::En => format!(
                            "Could not move the drafts ({}). They are still on the device; try again.",
                            e.message(l)
                        ),
                    }));
                }
            }
            busy.try_set(false);
        });
    };
    let leave_them = move |_| {
        let count = left.with_untracked(Vec::len);
        failure.set(None);
        answered(outcome_text(None, count, lang.get_untracked()));
    };
    view! {
        <p id="left-drafts-outcome" class="left-drafts-outcome" role="status" tabindex="-1">
            {move || outcome.get()}
        </p>
        {move || (!left.with(Vec::is_empty)).then(|| {
            let drafts = left.get();
            let count = drafts.len();
            view! {
                <section class="notice notice-warn left-drafts" aria-labelledby="left-drafts-title">
                    <h2 id="left-drafts-title" tabindex="-1">
                        {move || question_title(count, lang.get())}
                    </h2>
                    <p>{move || lang.get().pick(
                        "Các bản nháp dưới đây được soạn trên máy này trước khi bạn đăng nhập, ở một lần dùng trước — có thể là của người khác dùng chung máy. Nếu là của bạn, hãy chuyển vào tài khoản của bạn. Nếu không phải, hãy để lại: chúng vẫn ở trên máy, ngoài tài khoản của bạn.",
                        "The drafts below were made on this device before you signed in, during an earlier use — perhaps by someone else sharing the device. If they are yours, move them into your account. If not, leave them: they stay on the device, outside your account.",
                    )}</p>
                    <ul class="left-drafts-list">
                        {drafts
                            .into_iter()
                            .map(|d| {
                                let title = d.title(lang.get_untracked());
                                let procedure = d.draft.procedure;
                                let when = crate::pages::dossiers::local_time(&d.draft.updated_at);
                                view! {
                                    <li>
                                        <strong>{title}</strong>
                                        " · "
                                        {move || procedure.name(lang.get())}
                                        {(!when.is_empty()).then(|| view! {
                                            " · "
                                            {move || lang.get().pick("sửa lần cuối ", "last edited ")}
                                            {when.clone()}
                                        })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <p class="dossier-actions">
                        <button type="button" class="button" on:click=move_them
                            disabled=move || busy.get()
                            aria-busy=move || busy.get().then_some("true")>
                            {move || lang.get().pick("Chuyển vào tài khoản của tôi", "Move them into my account")}
                        </button>
                        <button type="button" class="button-secondary" on:click=leave_them
                            disabled=move || busy.get()>
                            {move || lang.get().pick("Để lại, không chuyển", "Leave them here")}
                        </button>
                    </p>
                    {move || failure.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </section>
            }
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_and_its_outcomes_say_how_many_and_where_the_drafts_are() {
        assert_eq!(
            question_title(2, Lang::Vi),
            "Máy này có 2 bản nháp được soạn khi chưa đăng nhập"
        );
        assert_eq!(
            outcome_text(Some(2), 0, Lang::Vi),
            "Đã chuyển 2 bản nháp vào tài khoản của bạn."
        );
        let left = outcome_text(None, 3, Lang::Vi);
        assert!(left.starts_with("Đã để lại 3 bản nháp trên máy"), "{left}");
        assert!(outcome_text(None, 1, Lang::En).contains("outside your account"));
    }
}
