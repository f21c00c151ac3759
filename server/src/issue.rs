//! The documents an office issues on a dossier and what an approval changes in the registry (issue 7):
//! each document is set as a PDF (`crate::documents`), stored in the object store, and recorded with the
//! dossier's move — with a verification code of its own, 128 random bits, which its QR code carries to
//! `/verify/{code}` — and with what it says (`domain::documents`, as JSON), which the verification page
//! shows.
//!
//! Approving a registration enters the business in the registry (`hkd_registry`, its certificate's data)
//! and issues its certificate (TT 68/2025 Mẫu 7); a change updates the registry and issues a new
//! certificate, after which the earlier ones are no longer current (NĐ 168/2025 art. 85.5); a
//! termination sets the status "Đã chấm dứt hoạt động" and issues the notice (Mẫu 13); receiving a
//! promotion notice issues the Sở Công Thương's acknowledgement.
//!
//! Every letter with a "Số:" line takes its number when it is issued: the next of its series
//! (`domain::documents::NumberSeries`) at the issuing body in the calendar year, from the database's
//! counter, in the move's own transaction ([`Pending`], [`apply`]): the move checks that the dossier is
//! still where it was and changes the registry, then takes the numbers, sets the PDFs with them, stores
//! them, and records them with the move. A move that does not happen (another officer moved the
//! dossier first, the registry refused, the object store failed) takes no number — the counter rolls
//! back with it — and its PDFs are deleted again, so the register has no gap and no orphan file.

use bytes::Bytes;
use chrono::Datelike as _;
use domain::{
    MaSoHoKinhDoanh, Procedure, Submission, TenHoKinhDoanh,
    documents::{self as doc, DocumentKind, HkdCertificate, IssuingBody},
    results::{self, HkdStatus},
};
use rand::RngCore as _;

use std::sync::{Arc, Mutex, PoisonError};

use crate::{
    AppState,
    error::AppError,
    store::{
        HkdRecord,
        work::{
            Issuing, NewDocument, NumberRequest, RegistryChange, Transition, TransitionOutcome,
            WorkDossier,
        },
    },
};

/// The stored name of a document kind (`dossier_documents.kind`).
#[must_use]
pub(crate) const fn kind_name(kind: DocumentKind) -> &'static str {
    kind.stored_name()
}

/// A document kind by its stored name.
#[must_use]
pub(crate) fn kind_of(name: &str) -> Option<DocumentKind> {
    DocumentKind::from_stored_name(name)
}

/// A new verification code: 128 random bits in lower-case base 32 (26 characters, no padding), so that
/// nobody finds a document by trying codes.
#[must_use]
pub(crate) fn verify_code() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut bytes = [0_u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let mut out = String::with_capacity(26);
    let (mut buffer, mut bits) = (0_u32, 0_u32);
    for b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Whether a text has the shape of a verification code (checked before any database query).
#[must_use]
pub(crate) fn is_verify_code(code: &str) -> bool {
    code.len() == 26
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b))
}

/// The page a verification code opens.
#[must_use]
pub(crate) fn verify_url(state: &AppState, code: &str) -> String {
    format!("{}/verify/{code}", state.public_url.trim_end_matches('/'))
}

/// The body that issues a dossier's documents, and its key in the number counters (the dossier's
/// jurisdiction: the commune's code, or `SCT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Office {
    pub(crate) body: IssuingBody,
    pub(crate) key: String,
}

/// Sets a document given its number as printed: its content (JSON) and its PDF.
type SetDocument = Box<dyn FnOnce(Option<String>) -> anyhow::Result<(String, Vec<u8>)> + Send>;

/// One document a move will issue, set once its number is known.
struct PendingDocument {
    kind: DocumentKind,
    series: Option<doc::NumberSeries>,
    verify_code: String,
    hkd_code: Option<String>,
    /// Its content (JSON) and PDF, given its number as printed.
    set: SetDocument,
}

/// The documents a move issues (in order), set, numbered and stored only inside the move's
/// transaction ([`apply`]).
pub(crate) struct Pending {
    office: Office,
    year: i32,
    procedure: Procedure,
    documents: Vec<PendingDocument>,
}

/// One document to issue: its kind, verification code, the business it concerns, and what it says
/// given its number as printed (`None` for the certificate, which has none).
pub(crate) struct Draft<F> {
    pub(crate) kind: DocumentKind,
    pub(crate) verify_code: String,
    pub(crate) hkd_code: Option<String>,
    pub(crate) content: F,
}

impl Pending {
    /// Nothing to issue yet, by `office` for a dossier of `procedure`, in the year of `issued_on`.
    pub(crate) fn new(office: Office, procedure: Procedure, issued_on: chrono::NaiveDate) -> Self {
        Self {
            office,
            year: issued_on.year(),
            procedure,
            documents: Vec::new(),
        }
    }

    /// Adds a document, set with `render` once its number is taken.
    pub(crate) fn add<T, F>(&mut self, draft: Draft<F>, render: fn(&T) -> anyhow::Result<Vec<u8>>)
    where
        T: serde::Serialize + Send + 'static,
        F: FnOnce(Option<String>) -> T + Send + 'static,
    {
        let content = draft.content;
        self.documents.push(PendingDocument {
            kind: draft.kind,
            series: draft.kind.series(self.procedure),
            verify_code: draft.verify_code,
            hkd_code: draft.hkd_code,
            set: Box::new(move |number| {
                let content = content(number);
                Ok((serde_json::to_string(&content)?, render(&content)?))
            }),
        });
    }

    /// The numbers to take, one per numbered document, in order.
    fn numbers(&self) -> Vec<NumberRequest> {
        self.documents
            .iter()
            .filter_map(|d| d.series)
            .map(|series| NumberRequest {
                issuer: self.office.key.clone(),
                year: self.year,
                series: series.as_str().to_owned(),
            })
            .collect()
    }

    /// Sets each document with its number (off the request threads) and stores its PDF; each key goes
    /// to `stored` before the PDF is written, to delete when the move does not happen.
    async fn finish(
        self,
        state: AppState,
        dossier_code: String,
        numbers: Vec<u32>,
        stored: Arc<Mutex<Vec<String>>>,
    ) -> anyhow::Result<Vec<NewDocument>> {
        let mut numbers = numbers.into_iter();
        let mut out = Vec::with_capacity(self.documents.len());
        for d in self.documents {
            let number = match d.series {
                Some(series) => Some(doc::document_number(
                    numbers
                        .next()
                        .ok_or_else(|| anyhow::anyhow!("no number taken for {series:?}"))?,
                    series,
                    self.office.body,
                )),
                None => None,
            };
            let set = d.set;
            let printed = number.clone();
            let (content_json, pdf) = tokio::task::spawn_blocking(move || set(printed)).await??;
            let key = format!(
                "documents/{}/{}-{}.pdf",
                dossier_code.replace(['/', '\\'], "_"),
                kind_name(d.kind),
                uuid::Uuid::new_v4().simple()
            );
            stored
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(key.clone());
            state.storage.put(&key, Bytes::from(pdf)).await?;
            out.push(NewDocument {
                kind: kind_name(d.kind).to_owned(),
                title: d.kind.name(domain::Lang::Vi).to_owned(),
                verify_code: Some(d.verify_code),
                storage_key: key,
                hkd_code: d.hkd_code,
                content_json: Some(content_json),
                number,
            });
        }
        Ok(out)
    }
}

/// Applies a staff move with the documents it issues, all in one transaction: their numbers are taken
/// and their PDFs set and stored only once the move's checks passed in it; when the move does not
/// happen, no number is used and the PDFs stored for it are deleted again.
///
/// # Errors
/// When the database or the object store fails (nothing of the move is then recorded).
pub(crate) async fn apply(
    state: &AppState,
    transition: &Transition,
    pending: Pending,
) -> Result<TransitionOutcome, AppError> {
    if pending.documents.is_empty() {
        return Ok(state.store.apply_transition(transition).await?);
    }
    let stored = Arc::new(Mutex::new(Vec::new()));
    let issuing = Issuing {
        numbers: pending.numbers(),
        issue: Box::new({
            let (state, code, stored) = (state.clone(), transition.code.clone(), stored.clone());
            move |numbers| Box::pin(pending.finish(state, code, numbers, stored))
        }),
    };
    let outcome = state.store.apply_issuing(transition, Some(issuing)).await;
    if !matches!(outcome, Ok(TransitionOutcome::Applied)) {
        let keys = std::mem::take(&mut *stored.lock().unwrap_or_else(PoisonError::into_inner));
        for key in keys {
            if let Err(e) = state.storage.delete(&key).await {
                tracing::warn!(
                    error = format!("{e:#}"),
                    "cannot delete the PDF of a move that did not happen"
                );
            }
        }
    }
    Ok(outcome?)
}

/// What a result changes besides its documents (added to the move's [`Pending`]): the registry
/// change, in the move's transaction.
#[derive(Default)]
pub(crate) struct Effects {
    pub(crate) registry: Option<RegistryChange>,
    /// The note on the timeline (what was issued).
    pub(crate) note: Option<String>,
}

fn conflict(vi: String, en: String) -> AppError {
    AppError::conflict(vi, en)
}

/// The validated form of a dossier.
fn submission(d: &WorkDossier) -> Result<Submission, AppError> {
    Ok(serde_json::from_str(&d.form_json).map_err(anyhow::Error::from)?)
}

/// The business a change or termination is about, as the registry has it: it must be there, seated in
/// the dossier's commune, and not terminated.
async fn registered(
    state: &AppState,
    d: &WorkDossier,
    code: &MaSoHoKinhDoanh,
) -> Result<(HkdRecord, HkdCertificate), AppError> {
    let code = code.to_string();
    let record = state.store.find_hkd(&code).await?.ok_or_else(|| {
        conflict(
            format!(
                "Hộ kinh doanh mã số {code} chưa có trong sổ đăng ký của hệ thống: hãy kiểm tra mã số trên hồ sơ, \
                 hoặc nhập hộ kinh doanh vào sổ trước khi cấp kết quả."
            ),
            format!(
                "The household business {code} is not in the registry: check the code on the dossier, or enter \
                 the business in the registry before issuing the result."
            ),
        )
    })?;
    if HkdStatus::parse(&record.status) == Some(HkdStatus::Terminated) {
        return Err(conflict(
            format!("Hộ kinh doanh mã số {code} đã chấm dứt hoạt động: không thể cấp kết quả."),
            format!("The household business {code} is terminated: no result can be issued."),
        ));
    }
    if record.commune != d.row.jurisdiction {
        let seat = domain::MaXa::parse(&record.commune)
            .map_or_else(|_| record.commune.clone(), |c| c.name().to_owned());
        return Err(conflict(
            format!(
                "Hộ kinh doanh mã số {code} có trụ sở tại {seat}: hồ sơ phải do cơ quan đăng ký kinh doanh nơi đặt \
                 trụ sở giải quyết (Điều 88 khoản 2 Nghị định 168/2025/NĐ-CP)."
            ),
            format!(
                "The household business {code} is seated in {seat}: the office of the seat's commune decides \
                 (Decree 168/2025, art. 88.2)."
            ),
        ));
    }
    let cert: HkdCertificate = serde_json::from_str(&record.data_json)
        .map_err(|e| anyhow::anyhow!("the registry's data of {code} is not a certificate: {e}"))?;
    Ok((record, cert))
}

fn name_key(name: &str) -> Result<String, AppError> {
    Ok(TenHoKinhDoanh::parse(name)
        .map_err(|e| anyhow::anyhow!("the certificate's name {name:?} does not parse: {e}"))?
        .key()
        .as_str()
        .to_owned())
}

/// What approving the dossier issues and changes (`hkd_code`: the registration's code as the tax
/// system gave it, if the officer typed one).
pub(crate) async fn approve(
    state: &AppState,
    d: &WorkDossier,
    pending: &mut Pending,
    issuance: doc::Issuance,
    dossier: doc::DossierRef,
    hkd_code: Option<&str>,
) -> Result<Effects, AppError> {
    let on = issuance.issued_on;
    match submission(d)? {
        Submission::HkdRegistration(form) => {
            let typed = hkd_code.map(str::trim).filter(|c| !c.is_empty());
            let code = MaSoHoKinhDoanh::parse(typed.unwrap_or(form.owner.id.as_str()))
                .map_err(|e| {
                    AppError::unprocessable(
                        format!("Mã số hộ kinh doanh không hợp lệ: {e}."),
                        format!("The household business code is not valid: {e}."),
                    )
                })?
                .to_string();
            if state.store.find_hkd(&code).await?.is_some() {
                return Err(conflict(
                    format!(
                        "Mã số hộ kinh doanh {code} đã có trong sổ đăng ký: không thể cấp trùng."
                    ),
                    format!("The household business code {code} is already in the registry."),
                ));
            }
            let verify = verify_code();
            let cert = results::registration_certificate(
                &form,
                &code,
                on,
                issuance.signer,
                verify_url(state, &verify),
            );
            let record = HkdRecord {
                code: code.clone(),
                commune: form.seat.address.commune.code().to_string(),
                name: cert.name.clone(),
                name_key: form.name.vietnamese.key().as_str().to_owned(),
                status: HkdStatus::Active.as_str().to_owned(),
                data_json: serde_json::to_string(&cert).map_err(anyhow::Error::from)?,
                // The owner's phone as the form gives it; else the dossier's, when the owner filed it.
                owner_phone: form.owner.phone.as_ref().map_or_else(
                    || {
                        (form.filer == domain::forms::filer::FilerRole::Owner)
                            .then(|| d.row.applicant_phone.clone())
                    },
                    |p| Some(p.as_str().to_owned()),
                ),
            };
            pending.add(
                Draft {
                    kind: DocumentKind::HkdCertificate,
                    verify_code: verify,
                    hkd_code: Some(code.clone()),
                    content: move |_| cert,
                },
                crate::documents::certificate_pdf,
            );
            Ok(Effects {
                registry: Some(RegistryChange::Insert(record)),
                note: Some(format!(
                    "Đã cấp Giấy chứng nhận đăng ký hộ kinh doanh, mã số hộ kinh doanh {code}."
                )),
            })
        }
        Submission::HkdChange(change) => {
            let (record, current) = registered(state, d, &change.hkd_code).await?;
            let new_certificate = results::change_needs_certificate(&change);
            let verify = verify_code();
            let cert = if new_certificate {
                results::changed_certificate(
                    &current,
                    &change,
                    on,
                    issuance.signer,
                    verify_url(state, &verify),
                )
            } else {
                current
            };
            let commune = change
                .seat
                .as_ref()
                .map_or(record.commune, |s| s.address.commune.code().to_string());
            let registry = RegistryChange::Update {
                code: record.code.clone(),
                commune,
                name_key: name_key(&cert.name)?,
                name: cert.name.clone(),
                status: record.status,
                data_json: serde_json::to_string(&cert).map_err(anyhow::Error::from)?,
                // A new owner brings their own phone (or none on record).
                owner_phone: match &change.owner {
                    Some(o) => o.new_owner.phone.as_ref().map(|p| p.as_str().to_owned()),
                    None => record.owner_phone,
                },
            };
            let effects = Effects {
                registry: Some(registry),
                note: Some(if new_certificate {
                    "Đã cập nhật sổ đăng ký và cấp Giấy chứng nhận đăng ký hộ kinh doanh mới; giấy chứng nhận \
                     cấp trước không còn hiệu lực."
                        .to_owned()
                } else {
                    "Đã cập nhật thông tin đăng ký thuế trong sổ đăng ký (không cấp lại giấy chứng nhận)."
                        .to_owned()
                }),
            };
            if new_certificate {
                pending.add(
                    Draft {
                        kind: DocumentKind::HkdCertificate,
                        verify_code: verify,
                        hkd_code: Some(record.code),
                        content: move |_| cert,
                    },
                    crate::documents::certificate_pdf,
                );
            }
            Ok(effects)
        }
        Submission::HkdTermination(form) => {
            let (record, cert) = registered(state, d, &form.hkd_code).await?;
            let verify = verify_code();
            let url = verify_url(state, &verify);
            pending.add(
                Draft {
                    kind: DocumentKind::TerminationNotice,
                    verify_code: verify,
                    hkd_code: Some(record.code.clone()),
                    content: move |number| {
                        results::termination_notice(
                            &cert,
                            doc::Issuance { number, ..issuance },
                            doc::DossierRef {
                                subject: Some(cert.name.clone()),
                                ..dossier
                            },
                            url,
                        )
                    },
                },
                crate::documents::termination_notice_pdf,
            );
            Ok(Effects {
                registry: Some(RegistryChange::Update {
                    code: record.code,
                    commune: record.commune,
                    name: record.name,
                    name_key: record.name_key,
                    status: HkdStatus::Terminated.as_str().to_owned(),
                    data_json: record.data_json,
                    owner_phone: record.owner_phone,
                }),
                note: Some(format!(
                    "Hộ kinh doanh chuyển sang tình trạng «{}»; đã ban hành Thông báo về việc chấm dứt hoạt động \
                     hộ kinh doanh.",
                    HkdStatus::Terminated.label(domain::Lang::Vi)
                )),
            })
        }
        Submission::PromotionNotice(_) => Err(AppError::Unexpected(anyhow::anyhow!(
            "a promotion notice has no approval (the lifecycle refuses it)"
        ))),
    }
}

/// What receiving a dossier issues: for a promotion notice, the acknowledgement (its only result);
/// nothing for the others (the receipt was issued on submission).
pub(crate) fn receive(
    state: &AppState,
    d: &WorkDossier,
    pending: &mut Pending,
    issuance: doc::Issuance,
    dossier: doc::DossierRef,
) -> Result<Effects, AppError> {
    let Submission::PromotionNotice(form) = submission(d)? else {
        return Ok(Effects::default());
    };
    let verify = verify_code();
    let url = verify_url(state, &verify);
    pending.add(
        Draft {
            kind: DocumentKind::PromotionAcknowledgement,
            verify_code: verify,
            hkd_code: None,
            content: move |number| {
                results::promotion_acknowledgement(
                    &form,
                    doc::Issuance { number, ..issuance },
                    doc::DossierRef {
                        subject: Some(form.programme_name.clone()),
                        applicant: form.trader.name.clone(),
                        ..dossier
                    },
                    url,
                )
            },
        },
        crate::documents::promotion_acknowledgement_pdf,
    );
    Ok(Effects {
        registry: None,
        note: Some(
            "Đã tiếp nhận thông báo thực hiện khuyến mại; đã gửi văn bản tiếp nhận.".to_owned(),
        ),
    })
}

/// What a stored document says (see [`describe`]).
pub(crate) struct Described {
    /// Who issued it, governing body first.
    pub(crate) issuer: String,
    /// The official form it follows.
    pub(crate) form: Option<String>,
    /// (item, value) as printed.
    pub(crate) fields: Vec<(String, String)>,
}

/// What a stored document says, for the verification page: its issuer, its form, and its items as
/// printed (in Vietnamese, the documents' language). Personal data beyond what identifies the business
/// or the dossier (birth dates, identity numbers, addresses of people) is left out: the page is public
/// to whoever holds the code.
pub(crate) fn describe(kind: DocumentKind, content_json: &str) -> anyhow::Result<Described> {
    use crate::documents::{address_line, dmy};
    fn issuer(i: &doc::Issuer) -> String {
        match &i.parent {
            Some(parent) => format!("{parent} — {}", i.name),
            None => i.name.clone(),
        }
    }
    fn field(label: &str, value: impl Into<String>) -> (String, String) {
        (label.to_owned(), value.into())
    }
    fn letter(issuance: &doc::Issuance, dossier: &doc::DossierRef) -> Vec<(String, String)> {
        let mut out = vec![
            field("Mã hồ sơ", dossier.code.clone()),
            field("Thủ tục", dossier.procedure.name(domain::Lang::Vi)),
            field("Người nộp hồ sơ", dossier.applicant.clone()),
            field("Ngày ban hành", dmy(issuance.issued_on)),
        ];
        if let Some(subject) = &dossier.subject {
            out.insert(2, field("Về việc", subject.clone()));
        }
        out
    }
    let value: serde_json::Value = serde_json::from_str(content_json)?;
    let (by, procedure, fields) = match kind {
        DocumentKind::HkdCertificate => {
            let c: HkdCertificate = serde_json::from_value(value)?;
            let mut fields = vec![
                field("Mã số hộ kinh doanh", c.hkd_code.clone()),
                field("Đăng ký lần đầu", dmy(c.registration.first_on)),
            ];
            if let Some((n, on)) = c.registration.change {
                fields.push(field(
                    "Đăng ký thay đổi",
                    format!("lần thứ {n}, ngày {}", dmy(on)),
                ));
            }
            fields.extend([
                field("Tên hộ kinh doanh", c.name.to_uppercase()),
                field("Trụ sở", address_line(&c.seat)),
                field(
                    "Ngành, nghề kinh doanh",
                    c.business_lines
                        .iter()
                        .map(|l| match (&l.code, l.main) {
                            (Some(code), true) => format!("{} ({code}, ngành chính)", l.name),
                            (Some(code), false) => format!("{} ({code})", l.name),
                            (None, _) => l.name.clone(),
                        })
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                field("Vốn kinh doanh", format!("{} đồng", c.capital.grouped())),
                field("Chủ hộ kinh doanh", c.owner.full_name.to_uppercase()),
            ]);
            (
                issuer(&c.issuer),
                domain::Procedure::HkdRegistration,
                fields,
            )
        }
        DocumentKind::TerminationNotice => {
            let n: doc::TerminationNotice = serde_json::from_value(value)?;
            let mut fields = vec![
                field("Mã số hộ kinh doanh", n.hkd_code.clone()),
                field("Tên hộ kinh doanh", n.hkd_name.to_uppercase()),
                field("Trụ sở", address_line(&n.seat)),
                field("Chủ hộ kinh doanh", n.owner_name.to_uppercase()),
                field(
                    "Tình trạng",
                    format!(
                        "{} từ ngày {}",
                        HkdStatus::Terminated.label(domain::Lang::Vi),
                        dmy(n.terminated_on)
                    ),
                ),
            ];
            fields.push(field("Mã hồ sơ", n.dossier.code.clone()));
            (issuer(&n.issuance.issuer), n.dossier.procedure, fields)
        }
        DocumentKind::SupplementRequest => {
            let l: doc::SupplementRequest = serde_json::from_value(value)?;
            let mut fields = letter(&l.issuance, &l.dossier);
            fields.push(field(
                "Số nội dung cần sửa đổi, bổ sung",
                l.items.len().to_string(),
            ));
            (issuer(&l.issuance.issuer), l.dossier.procedure, fields)
        }
        DocumentKind::IntakeRefusal => {
            let l: doc::IntakeRefusal = serde_json::from_value(value)?;
            (
                issuer(&l.issuance.issuer),
                l.dossier.procedure,
                letter(&l.issuance, &l.dossier),
            )
        }
        DocumentKind::Apology => {
            let l: doc::Apology = serde_json::from_value(value)?;
            let mut fields = letter(&l.issuance, &l.dossier);
            fields.push(field("Hẹn trả kết quả cũ", dmy(l.old_due_date)));
            fields.push(field("Hẹn trả kết quả mới", dmy(l.new_due_date)));
            (issuer(&l.issuance.issuer), l.dossier.procedure, fields)
        }
        DocumentKind::PromotionAcknowledgement => {
            let a: doc::PromotionAcknowledgement = serde_json::from_value(value)?;
            let mut fields = letter(&a.issuance, &a.dossier);
            fields.extend([
                field("Mã số thuế của thương nhân", a.trader_tax_code.clone()),
                field("Tên chương trình khuyến mại", a.programme.clone()),
                field("Hình thức khuyến mại", a.promotion_form.clone()),
                field(
                    "Thời gian khuyến mại",
                    format!(
                        "từ ngày {} đến hết ngày {}",
                        dmy(a.starts_on),
                        dmy(a.ends_on)
                    ),
                ),
                field("Địa bàn khuyến mại", a.area.clone()),
            ]);
            (issuer(&a.issuance.issuer), a.dossier.procedure, fields)
        }
    };
    Ok(Described {
        issuer: by,
        form: kind.form(procedure).map(str::to_owned),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_codes_are_128_random_bits_in_base_32() {
        let a = verify_code();
        assert_eq!(a.len(), 26, "{a}");
        assert!(is_verify_code(&a), "{a}");
        assert_ne!(a, verify_code());
        let many: std::collections::HashSet<String> = (0..1000).map(|_| verify_code()).collect();
        assert_eq!(many.len(), 1000);
        assert!(!is_verify_code("ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        assert!(!is_verify_code("abc"));
        assert!(!is_verify_code("abcdefghijklmnopqrstuvwxy1"));
    }

    #[test]
    fn every_kind_has_a_stored_name() {
        for kind in DocumentKind::ALL {
            assert_eq!(kind_of(kind_name(kind)), Some(kind));
        }
    }
}
