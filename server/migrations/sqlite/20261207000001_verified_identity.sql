-- Issue 16: a citizen account may carry the identity the national e-identity (VNeID) vouched for, by
-- OpenID Connect: identity number (12 digits, one account per number), full name, birth date, gender,
-- address, assurance level, and the provider's issuer + subject (one account per pair). An account made
-- by VNeID may have no phone, so `phone` becomes optional.
--
-- SQLite cannot drop a NOT NULL: the table is rebuilt. `sessions` references it with ON DELETE
-- CASCADE, and dropping the old table with foreign keys on would delete every citizen session, so
-- `sessions` is rebuilt too, pointing at the new table, before the old tables are dropped (children
-- first). Renaming the new account table rewrites the reference in the new `sessions`. All of it runs
-- in the migration's transaction.

CREATE TABLE citizen_accounts_v16 (
    id                   TEXT PRIMARY KEY NOT NULL,  -- UUID
    phone                TEXT,                       -- normalised (0xxxxxxxxx), when proved
    created_at           TEXT NOT NULL,
    last_sign_in_at      TEXT NOT NULL,
    identity_number      TEXT CHECK (identity_number IS NULL OR identity_number GLOB
        '[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'),
    full_name            TEXT,
    birth_date           TEXT,                       -- ISO YYYY-MM-DD
    gender               TEXT CHECK (gender IS NULL OR gender IN ('nam', 'nu', 'khac')),
    address              TEXT,
    assurance_level      TEXT,                       -- the provider's `acr`
    oidc_issuer          TEXT,
    oidc_subject         TEXT,
    identity_verified_at TEXT,                       -- the last sign-in that vouched for it
    CONSTRAINT citizen_accounts_phone_key UNIQUE (phone),
    CONSTRAINT citizen_accounts_identity_number_key UNIQUE (identity_number),
    CONSTRAINT citizen_accounts_oidc_key UNIQUE (oidc_issuer, oidc_subject),
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    CHECK ((identity_number IS NULL) = (full_name IS NULL)),
    CHECK (identity_number IS NULL OR oidc_subject IS NOT NULL),
    CHECK (phone IS NOT NULL OR oidc_subject IS NOT NULL)
);
INSERT INTO citizen_accounts_v16 (id, phone, created_at, last_sign_in_at)
    SELECT id, phone, created_at, last_sign_in_at FROM citizen_accounts;

CREATE TABLE sessions_v16 (
    token_hash        TEXT PRIMARY KEY NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('citizen', 'staff')),
    citizen_id        TEXT REFERENCES citizen_accounts_v16 (id) ON DELETE CASCADE,
    staff_id          TEXT REFERENCES staff_accounts (id) ON DELETE CASCADE,
    csrf_token        TEXT NOT NULL,
    client_ip         TEXT,
    created_at        TEXT NOT NULL,
    last_seen_at      TEXT NOT NULL,
    idle_seconds      INTEGER NOT NULL,             -- ends this long after the last request
    expires_at        TEXT NOT NULL,                -- and at the latest then
    revoked_at        TEXT,
    CHECK ((kind = 'citizen' AND citizen_id IS NOT NULL AND staff_id IS NULL)
        OR (kind = 'staff' AND staff_id IS NOT NULL AND citizen_id IS NULL))
);
INSERT INTO sessions_v16 (token_hash, kind, citizen_id, staff_id, csrf_token, client_ip, created_at,
                          last_seen_at, idle_seconds, expires_at, revoked_at)
    SELECT token_hash, kind, citizen_id, staff_id, csrf_token, client_ip, created_at,
           last_seen_at, idle_seconds, expires_at, revoked_at FROM sessions;

DROP TABLE sessions;
DROP TABLE citizen_accounts;
ALTER TABLE citizen_accounts_v16 RENAME TO citizen_accounts;
ALTER TABLE sessions_v16 RENAME TO sessions;
CREATE INDEX sessions_staff_idx ON sessions (staff_id);
CREATE INDEX sessions_citizen_idx ON sessions (citizen_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- A sign-in with the OpenID provider in progress (at most 10 minutes, single use): the `state` only as
-- SHA-256, the `nonce` and PKCE verifier to check the answer with, the page to go back to, and the
-- SHA-256 of the cookie that binds it to the browser that started it.
CREATE TABLE oidc_logins (
    state_hash    TEXT PRIMARY KEY NOT NULL,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX oidc_logins_expires_idx ON oidc_logins (expires_at);
