//! The staff workspace's part of the store (issue 7): the queue, the staff view of a dossier, one
//! transaction per lifecycle move (state, event, notification, documents, request for amendments,
//! registry, audit), the append-only audit log and the lapse sweep. The SQL is written once,
//! `work_store!` expands it for both engines like `sql.rs` does for [`Store`](super::Store).

use chrono::{DateTime, NaiveDate, Utc};
use futures::future::BoxFuture;

/// A dossier as the queue lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// Dossier code.
    pub code: String,
    /// Procedure (API spelling).
    pub procedure: String,
    /// Commune code or `SCT`.
    pub jurisdiction: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone.
    pub applicant_phone: String,
    /// State (API spelling).
    pub state: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// When it is due.
    pub due_date: Option<NaiveDate>,
}

/// Which page of the queue to read ([`WorkStore::queue_page`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuePageQuery {
    /// The jurisdictions read (none: an empty page).
    pub jurisdictions: Vec<String>,
    /// Only this state (API spelling).
    pub state: Option<String>,
    /// Only this procedure (API spelling).
    pub procedure: Option<String>,
    /// Today (Vietnam date): undecided dossiers due before it are overdue.
    pub today: NaiveDate,
    /// Undecided dossiers due from today to this day are due soon.
    pub soon_until: NaiveDate,
    /// How many rows.
    pub limit: i64,
    /// How many rows to skip.
    pub offset: i64,
}

/// A stored file of a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    /// Row id.
    pub id: i64,
    /// The attachment kind.
    pub kind: String,
    /// MIME type.
    pub media_type: String,
    /// Bytes.
    pub size: i64,
    /// The phone's file name.
    pub original_name: String,
    /// Key in the object store.
    pub storage_key: String,
    /// Still listed by the form (not replaced by a resubmission).
    pub current: bool,
}

/// A document issued on a dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRow {
    /// Row id.
    pub id: i64,
    /// `gcn`, `termination_notice`, `supplement_request`, `refusal`, `apology`, `acknowledgement`.
    pub kind: String,
    /// Title as printed.
    pub title: String,
    /// What `/verify/{code}` names, for documents with a QR code.
    pub verify_code: Option<String>,
    /// Key in the object store.
    pub storage_key: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// Whether it is still the current one (a GCN replaced by a later one is not).
    pub is_current: bool,
    /// The business it concerns.
    pub hkd_code: Option<String>,
    /// What it says (the `domain::documents` struct it was set from, as JSON).
    pub content_json: Option<String>,
    /// Số và ký hiệu as printed ("07/TB-PKT"); none for a certificate.
    pub number: Option<String>,
}

/// A request for amendments as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplementRow {
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Last day to resubmit.
    pub deadline: Option<NaiveDate>,
    /// Overall note.
    pub note: Option<String>,
    /// `Vec<SupplementItem>` as JSON.
    pub items_json: String,
    /// The letter.
    pub document_id: Option<i64>,
    /// When it was answered or lapsed.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The resubmission's Idempotency-Key.
    pub resubmission_key: Option<String>,
    /// SHA-256 of the resubmission's body.
    pub resubmission_hash: Option<String>,
}

/// Everything stored about one dossier, for staff and for the owner.
#[derive(Debug, Clone)]
pub struct WorkDossier {
    /// Row id.
    pub id: i64,
    /// The queue row.
    pub row: QueueRow,
    /// The validated form as last filed (a `domain::Submission`).
    pub form_json: String,
    /// The form as the phone last sent it (its draft's keys); none for dossiers filed before it was kept.
    pub draft_json: Option<String>,
    /// `online` or `assisted`.
    pub channel: String,
    /// The receipt JSON.
    pub receipt_json: String,
    /// The national e-identity vouched for the owner's identity number when it was filed
    /// (`dossiers.owner_verified`).
    pub owner_verified: bool,
    /// The files.
    pub attachments: Vec<AttachmentRow>,
    /// (to_state, at, note), oldest first.
    pub timeline: Vec<(String, DateTime<Utc>, Option<String>)>,
    /// Documents issued, oldest first.
    pub documents: Vec<DocumentRow>,
    /// The latest request for amendments.
    pub supplement: Option<SupplementRow>,
    /// (Idempotency-Key, body hash) of every resubmission the dossier had.
    pub resubmissions: Vec<(String, String)>,
}

/// A document to record with a move (its PDF already in the object store).
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// Kind.
    pub kind: String,
    /// Title.
    pub title: String,
    /// What `/verify/{code}` names.
    pub verify_code: Option<String>,
    /// Key in the object store.
    pub storage_key: String,
    /// The business it concerns; a new GCN, or the termination notice, makes the earlier GCNs of this
    /// business not current.
    pub hkd_code: Option<String>,
    /// What it says (the `domain::documents` struct it was set from, as JSON).
    pub content_json: Option<String>,
    /// Số và ký hiệu as printed ("07/TB-PKT"), taken by [`WorkStore::next_document_number`]; none for
    /// a certificate.
    pub number: Option<String>,
}

/// A request for amendments to open with a move.
#[derive(Debug, Clone)]
pub struct NewSupplement {
    /// Last day to resubmit.
    pub deadline: Option<NaiveDate>,
    /// Overall note.
    pub note: Option<String>,
    /// `Vec<SupplementItem>` as JSON.
    pub items_json: String,
}

/// What a resubmission brings.
#[derive(Debug, Clone)]
pub struct NewResubmission {
    /// Idempotency-Key.
    pub key: String,
    /// SHA-256 of the body.
    pub hash: String,
    /// The amended, validated form (a `domain::Submission`).
    pub form_json: String,
    /// The amended form as the phone sent it.
    pub draft_json: String,
    /// Its form version (API spelling).
    pub form_version: String,
    /// The files it lists: those not on the dossier yet are added, those no longer listed replaced.
    pub attachments: Vec<super::NewAttachment>,
}

/// A change to the household-business registry with a move.
#[derive(Debug, Clone)]
pub enum RegistryChange {
    /// A new business (registration approved).
    Insert(super::HkdRecord),
    /// New data for an existing business (change approved, or terminated): code, name, name key,
    /// status, data JSON.
    Update {
        /// The business.
        code: String,
        /// The commune of its seat.
        commune: String,
        /// New name.
        name: String,
        /// New name key.
        name_key: String,
        /// New status.
        status: String,
        /// New data.
        data_json: String,
        /// The owner's phone on record after the change.
        owner_phone: Option<String>,
    },
}

/// One audit row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// The staff member's id.
    pub staff_id: String,
    /// Their name.
    pub staff_name: String,
    /// `view`, `attachment`, `document`, `action:<name>`.
    pub action: String,
    /// The dossier.
    pub dossier_code: String,
    /// Its jurisdiction.
    pub jurisdiction: String,
    /// The client's address.
    pub client_addr: Option<String>,
    /// What exactly (a file, a note).
    pub detail: Option<String>,
}

/// An audit row as stored: its number (growing with time, the cursor of a next page) and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAudit {
    /// `audit_log.id`.
    pub id: i64,
    /// The row.
    pub entry: AuditEntry,
}

/// A selected [`AuditTuple`] as a [`StoredAudit`].
#[doc(hidden)]
#[must_use]
pub fn stored_audit(
    (id, at, staff_id, staff_name, action, dossier_code, jurisdiction, client_addr, detail): AuditTuple,
) -> StoredAudit {
    StoredAudit {
        id,
        entry: AuditEntry {
            at,
            staff_id,
            staff_name,
            action,
            dossier_code,
            jurisdiction,
            client_addr,
            detail,
        },
    }
}

/// One lifecycle move, already allowed by `domain::lifecycle`: applied only if the dossier is still in
/// `from` (another officer or server may have moved it meanwhile).
#[derive(Debug, Clone)]
pub struct Transition {
    /// Dossier code.
    pub code: String,
    /// The state the move was checked from.
    pub from: String,
    /// The state after.
    pub to: String,
    /// `applicant`, `staff` or `system`.
    pub actor: &'static str,
    /// The staff member's id.
    pub actor_id: Option<String>,
    /// The note shown on the timeline.
    pub note: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// A new due date.
    pub due_date: Option<NaiveDate>,
    /// The `StateNotice` JSON for the outbox.
    pub notice_json: String,
    /// Documents issued with it.
    pub documents: Vec<NewDocument>,
    /// A request for amendments opened with it (its letter is the first of `documents`).
    pub supplement: Option<NewSupplement>,
    /// Closes the open request for amendments as `resubmitted`, `lapsed` or `withdrawn`.
    pub resolve_supplement: Option<&'static str>,
    /// The amended form, for a resubmission.
    pub resubmission: Option<NewResubmission>,
    /// A registry change.
    pub registry: Option<RegistryChange>,
    /// The audit row of a staff action.
    pub audit: Option<AuditEntry>,
}

/// A number a move takes for a document it issues: the next of `series` at `issuer` in `year`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRequest {
    /// The issuing office's key (a commune code or `SCT`).
    pub issuer: String,
    /// The calendar year.
    pub year: i32,
    /// The series (`domain::documents::NumberSeries::as_str`).
    pub series: String,
}

/// Sets and stores a move's documents given the numbers taken for them (in the order of
/// [`Issuing::numbers`]); what it answers is recorded with the move.
pub type IssueFn<'a> =
    Box<dyn FnOnce(Vec<u32>) -> BoxFuture<'a, anyhow::Result<Vec<NewDocument>>> + Send + 'a>;

/// The documents a move issues in its own transaction: once the dossier is known to be where the move
/// was checked from and the registry took its change, the numbers are taken (the counters count up in
/// the transaction, so a move that does not commit uses none) and `issue` sets and stores them.
pub struct Issuing<'a> {
    /// The numbers to take, in order.
    pub numbers: Vec<NumberRequest>,
    /// Sets and stores the documents with them.
    pub issue: IssueFn<'a>,
}

/// What a move came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionOutcome {
    /// Done.
    Applied,
    /// No dossier with this code.
    NotFound,
    /// The dossier is no longer in `from`; its state now.
    Moved(String),
    /// The registry refused the change (a name taken in the commune, a code that exists).
    RegistryConflict,
}

/// One row as selected: id, procedure, jurisdiction, applicant_name, applicant_phone, state, received_at, due_date, form_json, channel, receipt_json, draft_json, owner_verified.
#[doc(hidden)]
pub type DossierTuple = (
    i64,
    String,
    String,
    String,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::NaiveDate>,
    String,
    String,
    String,
    Option<String>,
    i64,
);

/// One row as selected: id, kind, title, verify_code, storage_key, issued_at, is_current, hkd_code,
/// content_json, number.
#[doc(hidden)]
pub type DocumentTuple = (
    i64,
    String,
    String,
    Option<String>,
    String,
    chrono::DateTime<chrono::Utc>,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// One row as selected: requested_at, deadline, note, items_json, document_id, resolved_at, resubmission_key, resubmission_hash.
#[doc(hidden)]
pub type SupplementTuple = (
    chrono::DateTime<chrono::Utc>,
    Option<chrono::NaiveDate>,
    Option<String>,
    String,
    Option<i64>,
    Option<chrono::DateTime<chrono::Utc>>,
    Option<String>,
    Option<String>,
);

/// One row as selected: id, at, staff_id, staff_name, action, dossier_code, jurisdiction, client_addr,
/// detail.
#[doc(hidden)]
pub type AuditTuple = (
    i64,
    chrono::DateTime<chrono::Utc>,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// One row as selected: the dossier code, then the columns of [`DocumentTuple`].
#[doc(hidden)]
pub type VerifiedDocumentTuple = (
    String,
    i64,
    String,
    String,
    Option<String>,
    String,
    chrono::DateTime<chrono::Utc>,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
);

impl From<DocumentTuple> for DocumentRow {
    fn from(
        (
            id,
            kind,
            title,
            verify_code,
            storage_key,
            issued_at,
            is_current,
            hkd_code,
            content_json,
            number,
        ): DocumentTuple,
    ) -> Self {
        Self {
            id,
            kind,
            title,
            verify_code,
            storage_key,
            issued_at,
            is_current: is_current != 0,
            hkd_code,
            content_json,
            number,
        }
    }
}

/// A [`VerifiedDocumentTuple`] as the dossier's code and its document.
#[doc(hidden)]
#[must_use]
pub fn verified_row(
    (
        code,
        id,
        kind,
        title,
        verify_code,
        storage_key,
        issued_at,
        is_current,
        hkd_code,
        content_json,
        number,
    ): VerifiedDocumentTuple,
) -> (String, DocumentRow) {
    (
        code,
        DocumentRow::from((
            id,
            kind,
            title,
            verify_code,
            storage_key,
            issued_at,
            is_current,
            hkd_code,
            content_json,
            number,
        )),
    )
}

/// The staff workspace's queries.
pub trait WorkStore: Send + Sync {
    /// Every dossier of these jurisdictions, optionally in one state, newest first.
    fn queue<'a>(
        &'a self,
        jurisdictions: &'a [String],
        state: Option<&'a str>,
    ) -> BoxFuture<'a, anyhow::Result<Vec<QueueRow>>>;

    /// One page of the queue, most urgent first — overdue, then due soon (both undecided: received or
    /// processing), then by due date (none last), then newest first — and how many rows match in all.
    /// Sorted and cut in the database, so a page reads at most `limit` rows.
    fn queue_page<'a>(
        &'a self,
        query: &'a QueuePageQuery,
    ) -> BoxFuture<'a, anyhow::Result<(Vec<QueueRow>, i64)>>;

    /// Everything about the dossier with this code.
    fn work_dossier<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Option<WorkDossier>>>;

    /// Applies one move in one transaction.
    fn apply_transition<'a>(
        &'a self,
        t: &'a Transition,
    ) -> BoxFuture<'a, anyhow::Result<TransitionOutcome>> {
        self.apply_issuing(t, None)
    }

    /// Applies one move in one transaction, with the documents `issuing` sets and stores (numbered
    /// in the same transaction, after the move's checks).
    fn apply_issuing<'a>(
        &'a self,
        t: &'a Transition,
        issuing: Option<Issuing<'a>>,
    ) -> BoxFuture<'a, anyhow::Result<TransitionOutcome>>;

    /// Appends an audit row.
    fn append_audit<'a>(&'a self, entry: &'a AuditEntry) -> BoxFuture<'a, anyhow::Result<()>>;

    /// The audit rows of a dossier, oldest first.
    fn audit_of<'a>(&'a self, code: &'a str) -> BoxFuture<'a, anyhow::Result<Vec<StoredAudit>>>;

    /// The latest `limit` audit rows of a jurisdiction (dossier reads, actions and queue reads) older
    /// than the row `before` (all rows without it), newest first.
    fn audit_of_jurisdiction<'a>(
        &'a self,
        jurisdiction: &'a str,
        before: Option<i64>,
        limit: i64,
    ) -> BoxFuture<'a, anyhow::Result<Vec<StoredAudit>>>;

    /// (code, procedure) of the dossiers whose request for amendments is open and whose deadline is
    /// before `today`.
    fn lapse_candidates(
        &self,
        today: NaiveDate,
    ) -> BoxFuture<'_, anyhow::Result<Vec<(String, String)>>>;

    /// The documents issued on the dossier with this code, oldest first.
    fn documents_of_dossier<'a>(
        &'a self,
        code: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<DocumentRow>>>;

    /// The documents whose `verify_code` is this, newest first, with their dossier's code.
    fn documents_by_verify_code<'a>(
        &'a self,
        verify_code: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<Vec<(String, DocumentRow)>>>;

    /// Takes the next number of a series of an issuing body in a calendar year (1 for the first; NĐ
    /// 30/2020/NĐ-CP art. 15.1): one statement that adds the counter or counts it up and answers it,
    /// committed before the future completes, so concurrent callers — on any number of servers — get
    /// distinct, consecutive numbers. The moves take theirs in their own transaction instead
    /// ([`WorkStore::apply_issuing`]), with the same statement.
    fn next_document_number<'a>(
        &'a self,
        issuer: &'a str,
        year: i32,
        series: &'a str,
    ) -> BoxFuture<'a, anyhow::Result<u32>>;
}

/// Writes `impl WorkStore for $store`; `$store` has a field `pool` and a `write_turn` method.
macro_rules! work_store {
    ($store:ty) => {
        impl $crate::store::work::WorkStore for $store {
            fn queue<'a>(
                &'a self,
                jurisdictions: &'a [String],
                state: Option<&'a str>,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<$crate::store::work::QueueRow>>,
            > {
                Box::pin(async move {
                    let mut out = Vec::new();
                    for j in jurisdictions {
                        let rows: Vec<(
                            String,
                            String,
                            String,
                            String,
                            String,
                            String,
                            ::chrono::DateTime<::chrono::Utc>,
                            Option<::chrono::NaiveDate>,
                        )> = sqlx::query_as(
                            "SELECT code, procedure, jurisdiction, applicant_name, applicant_phone, \
                             state, received_at, due_date FROM dossiers \
                             WHERE jurisdiction = $1 AND ($2 IS NULL OR state = $2) \
                             ORDER BY received_at DESC",
                        )
                        .bind(j)
                        .bind(state)
                        .fetch_all(&self.pool)
                        .await?;
                        out.extend(rows.into_iter().map(
                            |(
                                code,
                                procedure,
                                jurisdiction,
                                applicant_name,
                                applicant_phone,
                                state,
                                received_at,
                                due_date,
                            )| $crate::store::work::QueueRow {
                                code,
                                procedure,
                                jurisdiction,
                                applicant_name,
                                applicant_phone,
                                state,
                                received_at,
                                due_date,
                            },
                        ));
                    }
                    Ok(out)
                })
            }

            fn queue_page<'a>(
                &'a self,
                query: &'a $crate::store::work::QueuePageQuery,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<(Vec<$crate::store::work::QueueRow>, i64)>,
            > {
                Box::pin(async move {
                    if query.jurisdictions.is_empty() {
                        return Ok((Vec::new(), 0));
                    }
                    // `$1`, `$2`: state and procedure; the jurisdictions follow from `$3` (count) or
                    // `$5` (page, after today and the end of "due soon"); limit and offset last.
                    let places = |from: usize| {
                        (0..query.jurisdictions.len())
                            .map(|i| format!("${}", from + i))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    let filter = "($1 IS NULL OR state = $1) AND ($2 IS NULL OR procedure = $2)";
                    let count_sql = format!(
                        "SELECT COUNT(*) FROM dossiers WHERE {filter} AND jurisdiction IN ({})",
                        places(3)
                    );
                    let mut count = sqlx::query_scalar::<_, i64>(&count_sql)
                        .bind(&query.state)
                        .bind(&query.procedure);
                    for j in &query.jurisdictions {
                        count = count.bind(j);
                    }
                    let total = count.fetch_one(&self.pool).await?;
                    let after = 5 + query.jurisdictions.len();
                    let page_sql = format!(
                        "SELECT code, procedure, jurisdiction, applicant_name, applicant_phone, state, \
                         received_at, due_date FROM dossiers WHERE {filter} AND jurisdiction IN ({}) \
                         ORDER BY CASE WHEN state IN ('received', 'processing') AND due_date < $3 THEN 0 \
                         WHEN state IN ('received', 'processing') AND due_date >= $3 AND due_date <= $4 \
                         THEN 1 ELSE 2 END, CASE WHEN due_date IS NULL THEN 1 ELSE 0 END, due_date, \
                         received_at DESC, code LIMIT ${after} OFFSET ${}",
                        places(5),
                        after + 1
                    );
                    let mut page = sqlx::query_as::<
                        _,
                        (
                            String,
                            String,
                            String,
                            String,
                            String,
                            String,
                            ::chrono::DateTime<::chrono::Utc>,
                            Option<::chrono::NaiveDate>,
                        ),
                    >(&page_sql)
                    .bind(&query.state)
                    .bind(&query.procedure)
                    .bind(query.today)
                    .bind(query.soon_until);
                    for j in &query.jurisdictions {
                        page = page.bind(j);
                    }
                    let rows = page
                        .bind(query.limit)
                        .bind(query.offset)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok((
                        rows.into_iter()
                            .map(
                                |(
                                    code,
                                    procedure,
                                    jurisdiction,
                                    applicant_name,
                                    applicant_phone,
                                    state,
                                    received_at,
                                    due_date,
                                )| $crate::store::work::QueueRow {
                                    code,
                                    procedure,
                                    jurisdiction,
                                    applicant_name,
                                    applicant_phone,
                                    state,
                                    received_at,
                                    due_date,
                                },
                            )
                            .collect(),
                        total,
                    ))
                })
            }

            fn work_dossier<'a>(
                &'a self,
                code: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::work::WorkDossier>>,
            > {
                use $crate::store::work::{AttachmentRow, QueueRow, SupplementRow};
                Box::pin(async move {
                    let row: Option<$crate::store::work::DossierTuple> = sqlx::query_as(
                        "SELECT id, procedure, jurisdiction, applicant_name, applicant_phone, state, \
                         received_at, due_date, form_json, channel, receipt_json, draft_json, owner_verified \
                         FROM dossiers WHERE code = $1",
                    )
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some((
                        id,
                        procedure,
                        jurisdiction,
                        applicant_name,
                        applicant_phone,
                        state,
                        received_at,
                        due_date,
                        form_json,
                        channel,
                        receipt_json,
                        draft_json,
                        owner_verified,
                    )) = row
                    else {
                        return Ok(None);
                    };
                    let attachments: Vec<(i64, String, String, i64, String, String, i64)> =
                        sqlx::query_as(
                            "SELECT id, kind, media_type, size, original_name, storage_key, \
                             CAST(CASE WHEN replaced_at IS NULL THEN 1 ELSE 0 END AS BIGINT) \
                             FROM attachments WHERE dossier_id = $1 ORDER BY id",
                        )
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                    let timeline: Vec<(String, ::chrono::DateTime<::chrono::Utc>, Option<String>)> =
                        sqlx::query_as(
                            "SELECT to_state, at, note FROM dossier_events \
                             WHERE dossier_id = $1 ORDER BY id",
                        )
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                    let documents: Vec<$crate::store::work::DocumentTuple> = sqlx::query_as(
                        "SELECT id, kind, title, verify_code, storage_key, issued_at, is_current, \
                         hkd_code, content_json, number FROM dossier_documents WHERE dossier_id = $1 \
                         ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                    let resubmissions: Vec<(String, String)> = sqlx::query_as(
                        "SELECT resubmission_key, resubmission_hash FROM supplement_requests \
                         WHERE dossier_id = $1 AND resubmission_key IS NOT NULL \
                         AND resubmission_hash IS NOT NULL ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                    let supplement: Option<$crate::store::work::SupplementTuple> = sqlx::query_as(
                        "SELECT requested_at, deadline, note, items_json, document_id, resolved_at, \
                         resubmission_key, resubmission_hash FROM supplement_requests \
                         WHERE dossier_id = $1 ORDER BY id DESC LIMIT 1",
                    )
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(Some($crate::store::work::WorkDossier {
                        id,
                        row: QueueRow {
                            code: code.to_owned(),
                            procedure,
                            jurisdiction,
                            applicant_name,
                            applicant_phone,
                            state,
                            received_at,
                            due_date,
                        },
                        form_json,
                        draft_json,
                        channel,
                        receipt_json,
                        owner_verified: owner_verified != 0,
                        attachments: attachments
                            .into_iter()
                            .map(
                                |(id, kind, media_type, size, original_name, storage_key, current)| {
                                    AttachmentRow {
                                        id,
                                        kind,
                                        media_type,
                                        size,
                                        original_name,
                                        storage_key,
                                        current: current != 0,
                                    }
                                },
                            )
                            .collect(),
                        timeline,
                        documents: documents
                            .into_iter()
                            .map($crate::store::work::DocumentRow::from)
                            .collect(),
                        supplement: supplement.map(
                            |(
                                requested_at,
                                deadline,
                                note,
                                items_json,
                                document_id,
                                resolved_at,
                                resubmission_key,
                                resubmission_hash,
                            )| SupplementRow {
                                requested_at,
                                deadline,
                                note,
                                items_json,
                                document_id,
                                resolved_at,
                                resubmission_key,
                                resubmission_hash,
                            },
                        ),
                        resubmissions,
                    }))
                })
            }

            fn apply_issuing<'a>(
                &'a self,
                t: &'a $crate::store::work::Transition,
                issuing: Option<$crate::store::work::Issuing<'a>>,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<$crate::store::work::TransitionOutcome>,
            > {
                use $crate::store::work::{RegistryChange, TransitionOutcome};
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let result: ::anyhow::Result<TransitionOutcome> = async {
                        let mut tx = self.pool.begin().await?;
                        // The first statement writes (SQLite takes its write lock at once); it only
                        // moves a dossier still in the state the move was checked from.
                        let id: Option<i64> = sqlx::query_scalar(
                            "UPDATE dossiers SET state = $1, due_date = COALESCE($2, due_date) \
                             WHERE code = $3 AND state = $4 RETURNING id",
                        )
                        .bind(&t.to)
                        .bind(t.due_date)
                        .bind(&t.code)
                        .bind(&t.from)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let Some(id) = id else {
                            let now: Option<String> =
                                sqlx::query_scalar("SELECT state FROM dossiers WHERE code = $1")
                                    .bind(&t.code)
                                    .fetch_optional(&mut *tx)
                                    .await?;
                            return Ok(now.map_or(TransitionOutcome::NotFound, TransitionOutcome::Moved));
                        };
                        if let Some(r) = &t.resubmission {
                            sqlx::query(
                                "UPDATE supplement_requests SET original_form_json = \
                                 (SELECT form_json FROM dossiers WHERE id = $1), resubmission_key = $2, \
                                 resubmission_hash = $3 WHERE dossier_id = $1 AND resolved_at IS NULL",
                            )
                            .bind(id)
                            .bind(&r.key)
                            .bind(&r.hash)
                            .execute(&mut *tx)
                            .await?;
                            sqlx::query(
                                "UPDATE dossiers SET form_json = $1, draft_json = $2, form_version = $3 \
                                 WHERE id = $4",
                            )
                            .bind(&r.form_json)
                            .bind(&r.draft_json)
                            .bind(&r.form_version)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                            // Files listed before and now stay; the others are replaced; new ones added.
                            let current: Vec<(i64, String, String)> = sqlx::query_as(
                                "SELECT id, sha256, kind FROM attachments \
                                 WHERE dossier_id = $1 AND replaced_at IS NULL",
                            )
                            .bind(id)
                            .fetch_all(&mut *tx)
                            .await?;
                            for (row_id, sha256, kind) in &current {
                                if !r.attachments.iter().any(|a| &a.sha256 == sha256 && &a.kind == kind) {
                                    sqlx::query("UPDATE attachments SET replaced_at = $1 WHERE id = $2")
                                        .bind(t.at)
                                        .bind(row_id)
                                        .execute(&mut *tx)
                                        .await?;
                                }
                            }
                            for a in &r.attachments {
                                if current.iter().any(|(_, sha256, kind)| sha256 == &a.sha256 && kind == &a.kind) {
                                    continue;
                                }
                                sqlx::query(
                                    "INSERT INTO attachments (dossier_id, sha256, kind, media_type, size, \
                                     original_name, storage_key) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                                )
                                .bind(id)
                                .bind(&a.sha256)
                                .bind(&a.kind)
                                .bind(&a.media_type)
                                .bind(a.size)
                                .bind(&a.original_name)
                                .bind(&a.storage_key)
                                .execute(&mut *tx)
                                .await?;
                            }
                        }
                        if let Some(resolution) = t.resolve_supplement {
                            sqlx::query(
                                "UPDATE supplement_requests SET resolved_at = $1, resolution = $2 \
                                 WHERE dossier_id = $3 AND resolved_at IS NULL",
                            )
                            .bind(t.at)
                            .bind(resolution)
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        }
                        // The registry before the documents: a refused change issues nothing.
                        let registry = match &t.registry {
                            None => Ok(()),
                            Some(RegistryChange::Insert(r)) => sqlx::query(
                                "INSERT INTO hkd_registry (code, commune, name, name_key, status, \
                                 dossier_id, data_json, registered_at, updated_at, owner_phone) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
                            )
                            .bind(&r.code)
                            .bind(&r.commune)
                            .bind(&r.name)
                            .bind(&r.name_key)
                            .bind(&r.status)
                            .bind(id)
                            .bind(&r.data_json)
                            .bind(t.at)
                            .bind(&r.owner_phone)
                            .execute(&mut *tx)
                            .await
                            .map(drop),
                            Some(RegistryChange::Update {
                                code,
                                commune,
                                name,
                                name_key,
                                status,
                                data_json,
                                owner_phone,
                            }) => sqlx::query(
                                "UPDATE hkd_registry SET name = $1, name_key = $2, status = $3, \
                                 data_json = $4, updated_at = $5, commune = $7, owner_phone = $8 \
                                 WHERE code = $6",
                            )
                            .bind(name)
                            .bind(name_key)
                            .bind(status)
                            .bind(data_json)
                            .bind(t.at)
                            .bind(code)
                            .bind(commune)
                            .bind(owner_phone)
                            .execute(&mut *tx)
                            .await
                            .map(drop),
                        };
                        match registry {
                            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                                tx.rollback().await?;
                                return Ok(TransitionOutcome::RegistryConflict);
                            }
                            other => other?,
                        }
                        // The numbers, in this transaction: a move that does not commit uses none.
                        let mut issued = Vec::new();
                        if let Some(issuing) = issuing {
                            let mut numbers = Vec::with_capacity(issuing.numbers.len());
                            for n in &issuing.numbers {
                                let last: i64 = sqlx::query_scalar(
                                    "INSERT INTO document_number_counters (issuer, year, series, last_number) \
                                     VALUES ($1, $2, $3, 1) ON CONFLICT (issuer, year, series) DO UPDATE \
                                     SET last_number = document_number_counters.last_number + 1 \
                                     RETURNING last_number",
                                )
                                .bind(&n.issuer)
                                .bind(n.year)
                                .bind(&n.series)
                                .fetch_one(&mut *tx)
                                .await?;
                                numbers.push(u32::try_from(last)?);
                            }
                            issued = (issuing.issue)(numbers).await?;
                        }
                        let mut first_document = None;
                        for d in t.documents.iter().chain(&issued) {
                            if let (Some(hkd), "gcn" | "termination_notice") =
                                (&d.hkd_code, d.kind.as_str())
                            {
                                sqlx::query(
                                    "UPDATE dossier_documents SET is_current = 0 \
                                     WHERE hkd_code = $1 AND kind = 'gcn'",
                                )
                                .bind(hkd)
                                .execute(&mut *tx)
                                .await?;
                            }
                            let doc_id: i64 = sqlx::query_scalar(
                                "INSERT INTO dossier_documents (dossier_id, kind, title, verify_code, \
                                 storage_key, issued_at, is_current, hkd_code, content_json, number) \
                                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9) RETURNING id",
                            )
                            .bind(id)
                            .bind(&d.kind)
                            .bind(&d.title)
                            .bind(&d.verify_code)
                            .bind(&d.storage_key)
                            .bind(t.at)
                            .bind(&d.hkd_code)
                            .bind(&d.content_json)
                            .bind(&d.number)
                            .fetch_one(&mut *tx)
                            .await?;
                            first_document.get_or_insert(doc_id);
                        }
                        if let Some(s) = &t.supplement {
                            sqlx::query(
                                "INSERT INTO supplement_requests (dossier_id, requested_at, deadline, \
                                 note, items_json, document_id) VALUES ($1, $2, $3, $4, $5, $6)",
                            )
                            .bind(id)
                            .bind(t.at)
                            .bind(s.deadline)
                            .bind(&s.note)
                            .bind(&s.items_json)
                            .bind(first_document)
                            .execute(&mut *tx)
                            .await?;
                        }
                        let documents_json = (!t.documents.is_empty() || !issued.is_empty()).then(|| {
                            ::serde_json::Value::from(
                                t.documents
                                    .iter()
                                    .chain(&issued)
                                    .map(|d| d.kind.clone())
                                    .collect::<Vec<_>>(),
                            )
                            .to_string()
                        });
                        sqlx::query(
                            "INSERT INTO dossier_events (dossier_id, from_state, to_state, actor, \
                             actor_id, at, note, documents_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        )
                        .bind(id)
                        .bind(&t.from)
                        .bind(&t.to)
                        .bind(t.actor)
                        .bind(&t.actor_id)
                        .bind(t.at)
                        .bind(&t.note)
                        .bind(documents_json)
                        .execute(&mut *tx)
                        .await?;
                        sqlx::query(
                            "INSERT INTO notification_outbox (dossier_id, kind, payload_json, \
                             next_attempt_at, created_at) VALUES ($1, 'dossier_state', $2, $3, $3)",
                        )
                        .bind(id)
                        .bind(&t.notice_json)
                        .bind(t.at)
                        .execute(&mut *tx)
                        .await?;
                        if let Some(a) = &t.audit {
                            $crate::store::work::insert_audit!(a, &mut *tx);
                        }
                        tx.commit().await?;
                        Ok(TransitionOutcome::Applied)
                    }
                    .await;
                    drop(turn);
                    result
                })
            }

            fn append_audit<'a>(
                &'a self,
                entry: &'a $crate::store::work::AuditEntry,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let a = entry;
                    let done: Result<(), sqlx::Error> = async {
                        $crate::store::work::insert_audit!(a, &self.pool);
                        Ok(())
                    }
                    .await;
                    drop(turn);
                    Ok(done?)
                })
            }

            fn audit_of<'a>(
                &'a self,
                code: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<$crate::store::work::StoredAudit>>,
            > {
                Box::pin(async move {
                    let rows: Vec<$crate::store::work::AuditTuple> = sqlx::query_as(
                        "SELECT id, at, staff_id, staff_name, action, dossier_code, jurisdiction, \
                         client_addr, detail FROM audit_log WHERE dossier_code = $1 ORDER BY id",
                    )
                    .bind(code)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map($crate::store::work::stored_audit)
                        .collect())
                })
            }

            fn audit_of_jurisdiction<'a>(
                &'a self,
                jurisdiction: &'a str,
                before: Option<i64>,
                limit: i64,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<$crate::store::work::StoredAudit>>,
            > {
                Box::pin(async move {
                    let rows: Vec<$crate::store::work::AuditTuple> = sqlx::query_as(
                        "SELECT id, at, staff_id, staff_name, action, dossier_code, jurisdiction, \
                         client_addr, detail FROM audit_log WHERE jurisdiction = $1 AND id < $2 \
                         ORDER BY id DESC LIMIT $3",
                    )
                    .bind(jurisdiction)
                    .bind(before.unwrap_or(i64::MAX))
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map($crate::store::work::stored_audit)
                        .collect())
                })
            }

            fn lapse_candidates(
                &self,
                today: ::chrono::NaiveDate,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<Vec<(String, String)>>> {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT d.code, d.procedure FROM dossiers d \
                         JOIN supplement_requests s ON s.dossier_id = d.id \
                         WHERE d.state = 'supplement_requested' AND s.resolved_at IS NULL \
                         AND s.deadline < $1 ORDER BY d.id",
                    )
                    .bind(today)
                    .fetch_all(&self.pool)
                    .await?)
                })
            }

            fn documents_of_dossier<'a>(
                &'a self,
                code: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<$crate::store::work::DocumentRow>>,
            > {
                Box::pin(async move {
                    let rows: Vec<$crate::store::work::DocumentTuple> = sqlx::query_as(
                        "SELECT x.id, x.kind, x.title, x.verify_code, x.storage_key, x.issued_at, \
                         x.is_current, x.hkd_code, x.content_json, x.number FROM dossier_documents x \
                         JOIN dossiers d ON d.id = x.dossier_id WHERE d.code = $1 ORDER BY x.id",
                    )
                    .bind(code)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map($crate::store::work::DocumentRow::from)
                        .collect())
                })
            }

            fn documents_by_verify_code<'a>(
                &'a self,
                verify_code: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Vec<(String, $crate::store::work::DocumentRow)>>,
            > {
                Box::pin(async move {
                    let rows: Vec<$crate::store::work::VerifiedDocumentTuple> = sqlx::query_as(
                        "SELECT d.code, x.id, x.kind, x.title, x.verify_code, x.storage_key, \
                         x.issued_at, x.is_current, x.hkd_code, x.content_json, x.number \
                         FROM dossier_documents x \
                         JOIN dossiers d ON d.id = x.dossier_id \
                         WHERE x.verify_code = $1 ORDER BY x.id DESC",
                    )
                    .bind(verify_code)
                    .fetch_all(&self.pool)
                    .await?;
                    Ok(rows
                        .into_iter()
                        .map($crate::store::work::verified_row)
                        .collect())
                })
            }

            fn next_document_number<'a>(
                &'a self,
                issuer: &'a str,
                year: i32,
                series: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<u32>> {
                Box::pin(async move {
                    let turn = self.write_turn().await;
                    let last: Result<i64, sqlx::Error> = sqlx::query_scalar(
                        "INSERT INTO document_number_counters (issuer, year, series, last_number) \
                         VALUES ($1, $2, $3, 1) ON CONFLICT (issuer, year, series) DO UPDATE \
                         SET last_number = document_number_counters.last_number + 1 \
                         RETURNING last_number",
                    )
                    .bind(issuer)
                    .bind(year)
                    .bind(series)
                    .fetch_one(&self.pool)
                    .await;
                    drop(turn);
                    Ok(u32::try_from(last?)?)
                })
            }
        }
    };
}

/// Inserts an audit row on an executor.
macro_rules! insert_audit {
    ($a:expr, $exec:expr) => {
        sqlx::query(
            "INSERT INTO audit_log (at, staff_id, staff_name, action, dossier_code, jurisdiction, \
             client_addr, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind($a.at)
        .bind(&$a.staff_id)
        .bind(&$a.staff_name)
        .bind(&$a.action)
        .bind(&$a.dossier_code)
        .bind(&$a.jurisdiction)
        .bind(&$a.client_addr)
        .bind(&$a.detail)
        .execute($exec)
        .await?;
    };
}

pub(crate) use {insert_audit, work_store};
