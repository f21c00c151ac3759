-- Dossiers and everything that hangs off them. Timestamps are TIMESTAMPTZ, dates DATE.

CREATE TABLE dossiers (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            TEXT NOT NULL,
    submission_id   TEXT NOT NULL,                 -- the phone's Idempotency-Key
    request_hash    TEXT NOT NULL,                 -- SHA-256 of the submitted body, to tell a replay from a reuse
    procedure       TEXT NOT NULL,
    form_version    TEXT NOT NULL,
    jurisdiction    TEXT NOT NULL,                 -- commune code, or SCT for the Sở Công Thương
    applicant_name  TEXT NOT NULL,
    applicant_phone TEXT NOT NULL,                 -- normalised; the look-up's second factor
    form_json       TEXT NOT NULL,                 -- the validated form
    state           TEXT NOT NULL,
    channel         TEXT NOT NULL CHECK (channel IN ('online', 'assisted')),
    received_at     TIMESTAMPTZ NOT NULL,
    due_date        DATE,
    fee_vnd         BIGINT NOT NULL,
    receipt_json    TEXT NOT NULL,                 -- the receipt exactly as first answered
    created_at      TIMESTAMPTZ NOT NULL,
    CONSTRAINT dossiers_code_key UNIQUE (code),
    CONSTRAINT dossiers_submission_id_key UNIQUE (submission_id)
);
CREATE INDEX dossiers_queue_idx ON dossiers (jurisdiction, state, due_date);

CREATE TABLE dossier_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id     BIGINT NOT NULL REFERENCES dossiers (id),
    from_state     TEXT,
    to_state       TEXT NOT NULL,
    actor          TEXT NOT NULL,                  -- applicant | staff | system
    actor_id       TEXT,
    at             TIMESTAMPTZ NOT NULL,
    note           TEXT,
    documents_json TEXT
);
CREATE INDEX dossier_events_dossier_idx ON dossier_events (dossier_id, id);

CREATE TABLE attachments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id    BIGINT NOT NULL REFERENCES dossiers (id),
    sha256        TEXT NOT NULL REFERENCES uploads (sha256),
    kind          TEXT NOT NULL,
    media_type    TEXT NOT NULL,
    size          BIGINT NOT NULL,
    original_name TEXT NOT NULL,
    storage_key   TEXT NOT NULL
);
CREATE INDEX attachments_dossier_idx ON attachments (dossier_id);

-- Household businesses: created when a registration is approved, changed by change dossiers, closed by
-- termination. A name is unique within its commune among businesses not terminated (NĐ 168/2025 art. 86.6).
CREATE TABLE hkd_registry (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code          TEXT NOT NULL,                   -- mã số hộ kinh doanh (= mã số thuế)
    commune       TEXT NOT NULL,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL,
    status        TEXT NOT NULL,
    dossier_id    BIGINT REFERENCES dossiers (id),
    data_json     TEXT NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    CONSTRAINT hkd_registry_code_key UNIQUE (code)
);
CREATE UNIQUE INDEX hkd_registry_name_key ON hkd_registry (commune, name_key) WHERE status <> 'terminated';

-- Notifications to send (push, SMS); a worker claims and sends them.
CREATE TABLE notification_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dossier_id      BIGINT REFERENCES dossiers (id),
    kind            TEXT NOT NULL,
    payload_json    TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (state, next_attempt_at);

-- The daily sequence of dossier codes per agency.
CREATE TABLE dossier_code_counters (
    agency   TEXT NOT NULL,
    day      TEXT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (agency, day)
);
