-- Issue 16: a citizen account may carry the identity the national e-identity (VNeID) vouched for, by
-- OpenID Connect: identity number (12 digits, one account per number), full name, birth date, gender,
-- address, assurance level, and the provider's issuer + subject (one account per pair). An account made
-- by VNeID may have no phone, so `phone` becomes optional.

ALTER TABLE citizen_accounts ALTER COLUMN phone DROP NOT NULL;
ALTER TABLE citizen_accounts
    ADD COLUMN identity_number      TEXT CHECK (identity_number IS NULL OR identity_number ~ '^[0-9]{12}$'),
    ADD COLUMN full_name            TEXT,
    ADD COLUMN birth_date           TEXT,          -- ISO YYYY-MM-DD
    ADD COLUMN gender               TEXT CHECK (gender IS NULL OR gender IN ('nam', 'nu', 'khac')),
    ADD COLUMN address              TEXT,
    ADD COLUMN assurance_level      TEXT,          -- the provider's `acr`
    ADD COLUMN oidc_issuer          TEXT,
    ADD COLUMN oidc_subject         TEXT,
    ADD COLUMN identity_verified_at TIMESTAMPTZ,   -- the last sign-in that vouched for it
    ADD CONSTRAINT citizen_accounts_identity_number_key UNIQUE (identity_number),
    ADD CONSTRAINT citizen_accounts_oidc_key UNIQUE (oidc_issuer, oidc_subject),
    ADD CONSTRAINT citizen_accounts_oidc_pair CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    ADD CONSTRAINT citizen_accounts_identity_named CHECK ((identity_number IS NULL) = (full_name IS NULL)),
    ADD CONSTRAINT citizen_accounts_identity_vouched CHECK (identity_number IS NULL OR oidc_subject IS NOT NULL),
    ADD CONSTRAINT citizen_accounts_someone CHECK (phone IS NOT NULL OR oidc_subject IS NOT NULL);

-- A sign-in with the OpenID provider in progress (at most 10 minutes, single use): the `state` only as
-- SHA-256, the `nonce` and PKCE verifier to check the answer with, the page to go back to, and the
-- SHA-256 of the cookie that binds it to the browser that started it.
CREATE TABLE oidc_logins (
    state_hash    TEXT PRIMARY KEY,
    browser_hash  TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_logins_expires_idx ON oidc_logins (expires_at);
