-- Issue 7: staff accounts that can be disabled, locked and given jurisdictions; citizen accounts (a
-- proved phone number); one-time sign-in codes; sessions.

ALTER TABLE staff_accounts ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE staff_accounts ADD COLUMN failed_logins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff_accounts ADD COLUMN locked_until TIMESTAMPTZ;
ALTER TABLE staff_accounts ADD COLUMN password_changed_at TIMESTAMPTZ;

-- The commune codes (or SCT) whose dossiers a staff member reaches.
CREATE TABLE staff_jurisdictions (
    staff_id     UUID NOT NULL REFERENCES staff_accounts (id) ON DELETE CASCADE,
    jurisdiction TEXT NOT NULL,
    PRIMARY KEY (staff_id, jurisdiction)
);
CREATE INDEX staff_jurisdictions_jurisdiction_idx ON staff_jurisdictions (jurisdiction);

-- A citizen is a phone number proved by a one-time code; their dossiers are those with that
-- applicant_phone, whenever they were sent.
CREATE TABLE citizen_accounts (
    id              UUID PRIMARY KEY,
    phone           TEXT NOT NULL,                  -- normalised (0xxxxxxxxx)
    created_at      TIMESTAMPTZ NOT NULL,
    last_sign_in_at TIMESTAMPTZ NOT NULL,
    CONSTRAINT citizen_accounts_phone_key UNIQUE (phone)
);

-- One-time sign-in codes, only as HMAC-SHA-256 with the server's secret.
CREATE TABLE otp_codes (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone       TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    client_ip   TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    consumed_at TIMESTAMPTZ
);
CREATE INDEX otp_codes_phone_idx ON otp_codes (phone, created_at);
CREATE INDEX otp_codes_client_idx ON otp_codes (client_ip, created_at);

-- Sessions: the cookie's token only as SHA-256; the CSRF token the client echoes.
CREATE TABLE sessions (
    token_hash        TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
    citizen_id        UUID REFERENCES citizen_accounts (id) ON DELETE CASCADE,
    staff_id          UUID REFERENCES staff_accounts (id) ON DELETE CASCADE,
    csrf_token        TEXT NOT NULL,
    client_ip         TEXT,
    created_at        TIMESTAMPTZ NOT NULL,
    last_seen_at      TIMESTAMPTZ NOT NULL,
    idle_seconds      BIGINT NOT NULL,              -- ends this long after the last request
    expires_at        TIMESTAMPTZ NOT NULL,         -- and at the latest then
    revoked_at        TIMESTAMPTZ,
    CHECK ((kind = 'citizen' AND citizen_id IS NOT NULL AND staff_id IS NULL)
        OR (kind = 'staff' AND staff_id IS NOT NULL AND citizen_id IS NULL))
);
CREATE INDEX sessions_staff_idx ON sessions (staff_id);
CREATE INDEX sessions_citizen_idx ON sessions (citizen_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
CREATE INDEX dossiers_applicant_phone_idx ON dossiers (applicant_phone);
