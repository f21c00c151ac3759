//! The SQL of every [`Store`](super::Store) method, written once: `sql_store!(SqliteStore)` and
//! `sql_store!(PgStore)` expand it into the two implementations, each on its own pool type. A backend
//! module provides what differs: `BACKEND`, `run_migrations`, `write_turn` (SQLite's in-process queue of
//! writers) and `staff_id` (how a UUID is bound).

/// Writes `impl Store for $store`; `$store` has a field `pool` (an sqlx pool).
macro_rules! sql_store {
    ($store:ty) => {
        impl $crate::store::Store for $store {
            fn backend(&self) -> $crate::store::Backend {
                Self::BACKEND
            }

            fn migrate(&self) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<()>> {
                Box::pin(async move {
                    ::anyhow::Context::context(
                        self.run_migrations().await,
                        "database migration failed",
                    )
                })
            }

            fn ping(&self) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<()>> {
                Box::pin(async move {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                })
            }

            fn close(&self) -> ::futures::future::BoxFuture<'_, ()> {
                Box::pin(self.pool.close())
            }

            fn find_upload<'a>(
                &'a self,
                sha256: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<Option<$crate::store::UploadRow>>>
            {
                Box::pin(async move {
                    let row: Option<(String, String, i64, i64, String)> = sqlx::query_as(
                        "SELECT sha256, media_type, size, received_size, storage_key \
                         FROM uploads WHERE sha256 = $1",
                    )
                    .bind(sha256)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(row.map(|(sha256, media_type, size, received_size, storage_key)| {
                        $crate::store::UploadRow {
                            sha256,
                            media_type,
                            size,
                            received_size,
                            storage_key,
                        }
                    }))
                })
            }

            fn insert_upload<'a>(
                &'a self,
                row: &'a $crate::store::UploadRow,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    sqlx::query(
                        "INSERT INTO uploads (sha256, media_type, size, received_size, storage_key, \
                         created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sha256) DO NOTHING",
                    )
                    .bind(&row.sha256)
                    .bind(&row.media_type)
                    .bind(row.size)
                    .bind(row.received_size)
                    .bind(&row.storage_key)
                    .bind(::chrono::Utc::now())
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn submit_dossier<'a>(
                &'a self,
                new: &'a $crate::store::NewDossier,
                receipt: $crate::store::ReceiptFn<'a>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<$crate::store::SubmitOutcome>>
            {
                use $crate::store::SubmitOutcome;

                /// The outcome for a key that is in the database already.
                async fn replay(
                    store: &$store,
                    new: &$crate::store::NewDossier,
                ) -> Result<Option<SubmitOutcome>, sqlx::Error> {
                    let found: Option<(String, String)> = sqlx::query_as(
                        "SELECT request_hash, receipt_json FROM dossiers WHERE submission_id = $1",
                    )
                    .bind(&new.submission_id)
                    .fetch_optional(&store.pool)
                    .await?;
                    Ok(found.map(|(hash, receipt)| {
                        if hash == new.request_hash {
                            SubmitOutcome::Replayed(receipt)
                        } else {
                            SubmitOutcome::KeyReused
                        }
                    }))
                }

                Box::pin(async move {
                    if let Some(outcome) = replay(self, new).await? {
                        return Ok(outcome);
                    }
                    let day = new.code_day.format("%y%m%d").to_string();
                    let now = ::chrono::Utc::now();
                    let turn = self.write_turn().await;
                    // Why the transaction answered `None` (a limit), when it did.
                    let mut refusal = SubmitOutcome::TooMany;
                    let inserted: Result<Option<String>, sqlx::Error> = async {
                        let mut tx = self.pool.begin().await?;
                        // The first statement writes, so SQLite takes its write lock at once (no
                        // upgrade deadlock).
                        let seq: i64 = sqlx::query_scalar(
                            "INSERT INTO dossier_code_counters (agency, day, last_seq) VALUES ($1, $2, 1) \
                             ON CONFLICT (agency, day) DO UPDATE \
                             SET last_seq = dossier_code_counters.last_seq + 1 RETURNING last_seq",
                        )
                        .bind(&new.jurisdiction)
                        .bind(&day)
                        .fetch_one(&mut *tx)
                        .await?;
                        let limited = new.other_phone_limit.is_some() || !new.filing_limits.is_empty();
                        if let (true, Some(account)) = (limited, new.filer_account_id) {
                            // Locks the account's row until the commit (PostgreSQL; SQLite has one
                            // writer), so parallel submissions of one account count each other.
                            sqlx::query(
                                "UPDATE citizen_accounts SET last_sign_in_at = last_sign_in_at \
                                 WHERE id = $1",
                            )
                            .bind(Self::staff_id(account))
                            .execute(&mut *tx)
                            .await?;
                            for limit in &new.filing_limits {
                                let since =
                                    new.received_at - ::chrono::Duration::seconds(limit.window_secs);
                                let (filed, oldest): (i64, Option<::chrono::DateTime<::chrono::Utc>>) =
                                    sqlx::query_as(
                                        "SELECT COUNT(*), MIN(received_at) FROM dossiers \
                                         WHERE filer_account_id = $1 AND received_at >= $2",
                                    )
                                    .bind(Self::staff_id(account))
                                    .bind(since)
                                    .fetch_one(&mut *tx)
                                    .await?;
                                if filed >= limit.max {
                                    tx.rollback().await?;
                                    let free_at = oldest.unwrap_or(new.received_at)
                                        + ::chrono::Duration::seconds(limit.window_secs);
                                    refusal = SubmitOutcome::AccountLimit {
                                        limit: *limit,
                                        retry_after_secs: u64::try_from(
                                            (free_at - ::chrono::Utc::now()).num_seconds(),
                                        )
                                        .unwrap_or(0)
                                        .max(1),
                                    };
                                    return Ok(None);
                                }
                            }
                        }
                        if let (Some(limit), Some(account)) =
                            (&new.other_phone_limit, new.filer_account_id)
                        {
                            let filed: i64 = sqlx::query_scalar(
                                "SELECT COUNT(*) FROM dossiers WHERE filer_account_id = $1 \
                                 AND received_at >= $2 AND applicant_phone <> $3",
                            )
                            .bind(Self::staff_id(account))
                            .bind(limit.since)
                            .bind(limit.own_phone.as_deref().unwrap_or(""))
                            .fetch_one(&mut *tx)
                            .await?;
                            if filed >= limit.max {
                                tx.rollback().await?;
                                return Ok(None);
                            }
                        }
                        let code = domain::DossierCodeFormat::default()
                            .format(
                                &new.jurisdiction,
                                new.code_day,
                                u32::try_from(seq).unwrap_or(u32::MAX),
                            )
                            .as_str()
                            .to_owned();
                        let receipt_json = receipt(&code);
                        let id: i64 = sqlx::query_scalar(
                            "INSERT INTO dossiers (code, submission_id, request_hash, procedure, \
                             form_version, jurisdiction, applicant_name, applicant_phone, form_json, state, \
                             channel, received_at, due_date, fee_vnd, receipt_json, created_at, draft_json, \
                             assisted_by, filer_account_id, filer_identity, filer_role, owner_identity, \
                             owner_verified) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'submitted', $10, $11, $12, $13, \
                             $14, $15, $16, $17, $18, $19, $20, $21, $22) RETURNING id",
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
                        .bind(&new.draft_json)
                        .bind(new.assisted_by.map(Self::staff_id))
                        .bind(new.filer_account_id.map(Self::staff_id))
                        .bind(&new.filer_identity)
                        .bind(new.filer_role)
                        .bind(&new.owner_identity)
                        .bind(i64::from(new.owner_verified))
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
                        sqlx::query(
                            "INSERT INTO notification_outbox (dossier_id, kind, payload_json, \
                             next_attempt_at, created_at) VALUES ($1, 'dossier_submitted', $2, $3, $3)",
                        )
                        .bind(id)
                        .bind(&receipt_json)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        for payload in &new.owner_notices {
                            sqlx::query(
                                "INSERT INTO notification_outbox (dossier_id, kind, payload_json, \
                                 next_attempt_at, created_at) VALUES ($1, 'owner_notice', $2, $3, $3)",
                            )
                            .bind(id)
                            .bind(payload)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                        }
                        tx.commit().await?;
                        Ok(Some(receipt_json))
                    }
                    .await;
                    drop(turn);
                    match inserted {
                        Ok(Some(receipt_json)) => Ok(SubmitOutcome::Created(receipt_json)),
                        // A replay of a dossier that committed meanwhile is answered as one,
                        // never refused by a limit.
                        Ok(None) => Ok(replay(self, new).await?.unwrap_or(refusal)),
                        // Another request with the same key won the race: answer as a replay.
                        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                            match replay(self, new).await? {
                                Some(outcome) => Ok(outcome),
                                None => Err(sqlx::Error::Database(e).into()),
                            }
                        }
                        Err(e) => Err(e.into()),
                    }
                })
            }

            fn find_dossier<'a>(
                &'a self,
                code: &'a str,
            ) -> ::futures::future::BoxFuture<
                'a,
                ::anyhow::Result<Option<$crate::store::StoredDossier>>,
            > {
                Box::pin(async move {
                    type Row = (
                        i64,
                        String,
                        String,
                        String,
                        String,
                        String,
                        Option<String>,
                        Option<String>,
                        Option<String>,
                    );
                    let row: Option<Row> = sqlx::query_as(
                        "SELECT id, applicant_name, applicant_phone, channel, state, receipt_json, \
                         CAST(filer_account_id AS TEXT), filer_identity, owner_identity \
                         FROM dossiers WHERE code = $1",
                    )
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                    let Some((
                        id,
                        applicant_name,
                        applicant_phone,
                        channel,
                        state,
                        receipt_json,
                        filer_account_id,
                        filer_identity,
                        owner_identity,
                    )) = row
                    else {
                        return Ok(None);
                    };
                    let attachments: Vec<(String, String)> = sqlx::query_as(
                        "SELECT kind, original_name FROM attachments WHERE dossier_id = $1 \
                         AND replaced_at IS NULL ORDER BY id",
                    )
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
                    let timeline: Vec<(String, ::chrono::DateTime<::chrono::Utc>, Option<String>)> =
                        sqlx::query_as(
                            "SELECT to_state, at, note FROM dossier_events WHERE dossier_id = $1 \
                             ORDER BY id",
                        )
                        .bind(id)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(Some($crate::store::StoredDossier {
                        id,
                        applicant_name,
                        applicant_phone,
                        channel,
                        attachments,
                        state,
                        receipt_json,
                        timeline,
                        filer_account_id,
                        filer_identity,
                        owner_identity,
                    }))
                })
            }

            fn submission_exists<'a>(
                &'a self,
                submission_id: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let n: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM dossiers WHERE submission_id = $1",
                    )
                    .bind(submission_id)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(n > 0)
                })
            }

            fn count_dossiers(&self) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<i64>> {
                Box::pin(async move {
                    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM dossiers")
                        .fetch_one(&self.pool)
                        .await?)
                })
            }

            fn dossiers_by_state(
                &self,
            ) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<Vec<(String, String, i64)>>> {
                Box::pin(async move {
                    Ok(sqlx::query_as(
                        "SELECT procedure, state, COUNT(*) FROM dossiers GROUP BY procedure, state \
                         ORDER BY procedure, state",
                    )
                    .fetch_all(&self.pool)
                    .await?)
                })
            }

            fn hkd_name_taken<'a>(
                &'a self,
                commune: &'a str,
                name_key: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM hkd_registry \
                         WHERE commune = $1 AND name_key = $2 AND status <> 'terminated'",
                    )
                    .bind(commune)
                    .bind(name_key)
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(count > 0)
                })
            }

            fn find_hkd<'a>(
                &'a self,
                code: &'a str,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<Option<$crate::store::HkdRecord>>>
            {
                Box::pin(async move {
                    type Row = (String, String, String, String, String, String, Option<String>);
                    let row: Option<Row> = sqlx::query_as(
                        "SELECT code, commune, name, name_key, status, data_json, owner_phone \
                         FROM hkd_registry WHERE code = $1",
                    )
                    .bind(code)
                    .fetch_optional(&self.pool)
                    .await?;
                    Ok(row.map(
                        |(code, commune, name, name_key, status, data_json, owner_phone)| {
                            $crate::store::HkdRecord {
                                code,
                                commune,
                                name,
                                name_key,
                                status,
                                data_json,
                                owner_phone,
                            }
                        },
                    ))
                })
            }

            fn insert_hkd<'a>(
                &'a self,
                record: &'a $crate::store::HkdRecord,
                dossier_id: Option<i64>,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<()>> {
                Box::pin(async move {
                    let now = ::chrono::Utc::now();
                    sqlx::query(
                        "INSERT INTO hkd_registry (code, commune, name, name_key, status, dossier_id, \
                         data_json, registered_at, updated_at, owner_phone) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
                    )
                    .bind(&record.code)
                    .bind(&record.commune)
                    .bind(&record.name)
                    .bind(&record.name_key)
                    .bind(&record.status)
                    .bind(dossier_id)
                    .bind(&record.data_json)
                    .bind(now)
                    .bind(&record.owner_phone)
                    .execute(&self.pool)
                    .await?;
                    Ok(())
                })
            }

            fn has_administrator(&self) -> ::futures::future::BoxFuture<'_, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let count: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM staff_accounts WHERE role = 'administrator'",
                    )
                    .fetch_one(&self.pool)
                    .await?;
                    Ok(count > 0)
                })
            }

            fn insert_staff<'a>(
                &'a self,
                staff: &'a $crate::store::NewStaff,
            ) -> ::futures::future::BoxFuture<'a, ::anyhow::Result<bool>> {
                Box::pin(async move {
                    let inserted = sqlx::query(
                        "INSERT INTO staff_accounts (id, username, display_name, password_hash, role, \
                         must_change_password, created_at, title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(Self::staff_id(staff.id))
                    .bind(&staff.username)
                    .bind(&staff.display_name)
                    .bind(&staff.password_hash)
                    .bind(&staff.role)
                    .bind(staff.must_change_password)
                    .bind(staff.created_at)
                    .bind(&staff.title)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                    Ok(inserted > 0)
                })
            }
        }
    };
}
pub(super) use sql_store;
