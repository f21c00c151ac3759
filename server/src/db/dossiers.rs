//! Dossiers: the exactly-once submission and the look-up.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Db, on_pool};

/// A dossier to create, everything already checked.
#[derive(Debug, Clone)]
pub struct NewDossier {
    /// The phone's submission id (Idempotency-Key).
    pub submission_id: String,
    /// SHA-256 of the request body.
    pub request_hash: String,
    /// `domain::Procedure` in its API spelling.
    pub procedure: String,
    /// The form version.
    pub form_version: String,
    /// Agency code of the jurisdiction (commune code or `SCT`).
    pub jurisdiction: String,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone, normalised.
    pub applicant_phone: String,
    /// The validated form as JSON.
    pub form_json: String,
    /// `online` or `assisted`.
    pub channel: &'static str,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// The day it counts from for the code (Vietnam date).
    pub code_day: NaiveDate,
    /// When it is due.
    pub due_date: Option<NaiveDate>,
    /// The fee paid online.
    pub fee_vnd: i64,
    /// The files.
    pub attachments: Vec<NewAttachment>,
}

/// A file of a new dossier.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The upload's hash.
    pub sha256: String,
    /// Which document (domain `DocumentKind`, API spelling).
    pub kind: String,
    /// MIME type as found by content.
    pub media_type: String,
    /// Stored size.
    pub size: i64,
    /// The name the phone gave.
    pub original_name: String,
    /// Where it is in the object store.
    pub storage_key: String,
}

/// What a submission came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// A new dossier; the receipt JSON as stored.
    Created(String),
    /// The same submission again: the receipt JSON first answered.
    Replayed(String),
    /// The key was used before with another body.
    KeyReused,
}

/// A dossier as the look-up shows it.
#[derive(Debug, Clone)]
pub struct StoredDossier {
    /// Row id.
    pub id: i64,
    /// Applicant's name.
    pub applicant_name: String,
    /// Applicant's phone, normalised.
    pub applicant_phone: String,
    /// `online` or `assisted`.
    pub channel: String,
    /// (kind, original name) of each attached file.
    pub attachments: Vec<(String, String)>,
    /// Current state (API spelling).
    pub state: String,
    /// The receipt JSON.
    pub receipt_json: String,
    /// (to_state, at, note), oldest first.
    pub timeline: Vec<(String, DateTime<Utc>, Option<String>)>,
}

/// The queue of SQLite write transactions of this process (see [`Db::submit_dossier`]).
static SQLITE_WRITER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

impl Db {
    async fn replay(
        &self,
        submission_id: &str,
        request_hash: &str,
    ) -> Result<Option<SubmitOutcome>, sqlx::Error> {
        let found: Option<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT request_hash, receipt_json FROM dossiers WHERE submission_id = $1")
                .bind(submission_id)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.map(|(hash, receipt)| {
            if hash == request_hash {
                SubmitOutcome::Replayed(receipt)
            } else {
                SubmitOutcome::KeyReused
            }
        }))
    }

    /// Creates the dossier with its first event, its attachments and a notification job in one
    /// transaction, or answers a replay with the stored receipt. `receipt` turns the dossier code into
    /// the receipt JSON to store and answer.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn submit_dossier(
        &self,
        new: &NewDossier,
        receipt: impl Fn(&str) -> String + Send + Sync,
    ) -> Result<SubmitOutcome, sqlx::Error> {
        if let Some(outcome) = self.replay(&new.submission_id, &new.request_hash).await? {
            return Ok(outcome);
        }
        let day = new.code_day.format("%y%m%d").to_string();
        let now = Utc::now();
        // SQLite has one writer at a time. Waiting for it here, in order, is far shorter than waiting in
        // SQLite's busy handler, which sleeps in steps of up to 100 ms (the submission tail of
        // `cargo xtask bench server`). PostgreSQL needs no such queue.
        let _sqlite_writer = match self {
            Self::Sqlite(_) => Some(SQLITE_WRITER.lock().await),
            Self::Postgres(_) => None,
        };
        let inserted: Result<String, sqlx::Error> = on_pool!(self, pool => {
            async {
                let mut tx = pool.begin().await?;
                // The first statement writes, so SQLite takes its write lock at once (no upgrade deadlock).
                let seq: i64 = sqlx::query_scalar(
                    "INSERT INTO dossier_code_counters (agency, day, last_seq) VALUES ($1, $2, 1) \
                     ON CONFLICT (agency, day) DO UPDATE SET last_seq = dossier_code_counters.last_seq + 1 \
                     RETURNING last_seq",
                )
                .bind(&new.jurisdiction)
                .bind(&day)
                .fetch_one(&mut *tx)
                .await?;
                let code = domain::DossierCodeFormat::default()
                    .format(&new.jurisdiction, new.code_day, u32::try_from(seq).unwrap_or(u32::MAX))
                    .as_str()
                    .to_owned();
                let receipt_json = receipt(&code);
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO dossiers (code, submission_id, request_hash, procedure, form_version, \
                     jurisdiction, applicant_name, applicant_phone, form_json, state, channel, received_at, \
                     due_date, fee_vnd, receipt_json, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted', $10, $11, $12, $13, $14, $15) \
                     RETURNING id",
                )
                .bind(&code)
                .bind(&new.submission_id)
                .bind(&new.request_hash)
                .bind(&new.procedure)
                .bind(&new.form_version)
                .bind(&new.jurisdiction)
                .bind(&new.applicant_name)
                .bind(&new.applicant_phone)
                .bind(&new.form_json)
                .bind(new.channel)
                .bind(new.received_at)
                .bind(new.due_date)
                .bind(new.fee_vnd)
                .bind(&receipt_json)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO dossier_events (dossier_id, from_state, to_state, actor, at) \
                     VALUES ($1, NULL, 'submitted', 'applicant', $2)",
                )
                .bind(id)
                .bind(new.received_at)
                .execute(&mut *tx)
                .await?;
                for a in &new.attachments {
                    sqlx::query(
                        "INSERT INTO attachments (dossier_id, sha256, kind, media_type, size, original_name, \
                         storage_key) VALUES ($1, $2, $3, $4, $5, $6, $7)",
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
                sqlx::query(
                    "INSERT INTO notification_outbox (dossier_id, kind, payload_json, next_attempt_at, \
                     created_at) VALUES ($1, 'dossier_submitted', $2, $3, $3)",
                )
                .bind(id)
                .bind(&receipt_json)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(receipt_json)
            }
            .await
        });
        match inserted {
            Ok(receipt_json) => Ok(SubmitOutcome::Created(receipt_json)),
            // Another request with the same key won the race: answer as a replay.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => self
                .replay(&new.submission_id, &new.request_hash)
                .await?
                .ok_or(sqlx::Error::Database(e)),
            Err(e) => Err(e),
        }
    }

    /// The dossier with this code, with its timeline.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn find_dossier(&self, code: &str) -> Result<Option<StoredDossier>, sqlx::Error> {
        let row: Option<(i64, String, String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, applicant_name, applicant_phone, channel, state, receipt_json \
                 FROM dossiers WHERE code = $1",
            )
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        let Some((id, applicant_name, applicant_phone, channel, state, receipt_json)) = row else {
            return Ok(None);
        };
        let attachments: Vec<(String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT kind, original_name FROM attachments WHERE dossier_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let timeline: Vec<(String, DateTime<Utc>, Option<String>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT to_state, at, note FROM dossier_events WHERE dossier_id = $1 ORDER BY id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(Some(StoredDossier {
            id,
            applicant_name,
            applicant_phone,
            channel,
            attachments,
            state,
            receipt_json,
            timeline,
        }))
    }

    /// How many dossiers carry this submission id (0 or 1), for tests and audits.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn count_dossiers(&self) -> Result<i64, sqlx::Error> {
        on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM dossiers").fetch_one(pool).await
        })
    }
}

impl Db {
    /// (procedure, state, count) of every dossier, for `/metrics`.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn dossiers_by_state(&self) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
        on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT procedure, state, COUNT(*) FROM dossiers GROUP BY procedure, state \
                 ORDER BY procedure, state",
            )
            .fetch_all(pool)
            .await
        })
    }
}

/// A household business in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HkdRecord {
    /// Mã số hộ kinh doanh.
    pub code: String,
    /// Commune code of the seat.
    pub commune: String,
    /// The Vietnamese name as registered.
    pub name: String,
    /// The uniqueness key of the name (NĐ 168/2025 art. 86.6).
    pub name_key: String,
    /// `active`, `suspended`, `terminating`, `terminated`, …
    pub status: String,
    /// The registered data (GCN content) as JSON.
    pub data_json: String,
}

impl Db {
    /// Whether a business not terminated in the commune already has this name key.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn hkd_name_taken(&self, commune: &str, name_key: &str) -> Result<bool, sqlx::Error> {
        let count: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM hkd_registry \
                 WHERE commune = $1 AND name_key = $2 AND status <> 'terminated'",
            )
            .bind(commune)
            .bind(name_key)
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// The business with this code.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn find_hkd(&self, code: &str) -> Result<Option<HkdRecord>, sqlx::Error> {
        let row: Option<(String, String, String, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT code, commune, name, name_key, status, data_json FROM hkd_registry WHERE code = $1",
            )
            .bind(code)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(
            |(code, commune, name, name_key, status, data_json)| HkdRecord {
                code,
                commune,
                name,
                name_key,
                status,
                data_json,
            },
        ))
    }

    /// Adds a business to the registry (on approval of a registration). Fails on a name taken in the
    /// commune (the partial unique index `hkd_registry_name_key`) or a code that exists.
    ///
    /// # Errors
    /// When the database fails or a constraint is violated.
    pub async fn insert_hkd(
        &self,
        record: &HkdRecord,
        dossier_id: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        let now = Utc::now();
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO hkd_registry (code, commune, name, name_key, status, dossier_id, data_json, \
                 registered_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(&record.code)
            .bind(&record.commune)
            .bind(&record.name)
            .bind(&record.name_key)
            .bind(&record.status)
            .bind(dossier_id)
            .bind(&record.data_json)
            .bind(now)
            .execute(pool)
            .await
            .map(drop)
        })
    }
}
