-- Staff accounts: administrators, commune officers, Sở Công Thương officers, supervisors.
CREATE TABLE staff_accounts (
    id                   TEXT PRIMARY KEY NOT NULL,          -- UUID
    username             TEXT NOT NULL,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,                      -- argon2id, PHC string
    role                 TEXT NOT NULL CHECK (role IN ('administrator', 'commune_officer', 'trade_officer', 'supervisor')),
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at           TEXT NOT NULL                       -- RFC 3339, UTC
);
CREATE UNIQUE INDEX staff_accounts_username_key ON staff_accounts (lower(username));
