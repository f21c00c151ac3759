-- Sign-in limits counted in the database, so that they hold for parallel requests and across servers
-- (issue 16, part 6).

-- Per-address allowances (wrong one-time codes, wrong staff passwords) in fixed windows: one row per
-- bucket (`otp-verify:<address>`, `staff-login:<address>`) and window, counted by a single upsert.
CREATE TABLE auth_counters (
    bucket       TEXT NOT NULL,
    window_start BIGINT NOT NULL,                -- Unix seconds
    hits         INTEGER NOT NULL,
    PRIMARY KEY (bucket, window_start)
);
CREATE INDEX auth_counters_window_idx ON auth_counters (window_start);

-- Staff sign-in back-off per (login name as typed, lower-cased, known or not; client address): a
-- stranger's wrong passwords slow down only the stranger's address, never the account itself.
-- Replaces staff_accounts.failed_logins / locked_until, which are no longer read or written.
CREATE TABLE staff_login_backoff (
    username        TEXT NOT NULL,
    client_ip       TEXT NOT NULL,
    failures        INTEGER NOT NULL,            -- tries not (yet) known to be right, counted before the check
    blocked_until   TIMESTAMPTZ,
    last_failure_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (username, client_ip)
);
CREATE INDEX staff_login_backoff_last_idx ON staff_login_backoff (last_failure_at);
