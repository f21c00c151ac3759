-- Staff accounts: administrators, commune officers, Sở Công Thương officers, supervisors.
CREATE TABLE staff_accounts (
    id                   UUID PRIMARY KEY,
    username             TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,                      -- argon2id, PHC string
    role                 TEXT NOT NULL CHECK (role IN ('administrator', 'commune_officer', 'trade_officer', 'supervisor')),
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX staff_accounts_username_key ON staff_accounts (lower(username));
