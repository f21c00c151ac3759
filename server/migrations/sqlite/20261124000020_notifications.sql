-- Notifications (issue 7): the worker's lease and last error on each outbox row, what was delivered on
-- which channel (so a retry never sends twice where it already succeeded), the phones' Web Push
-- subscriptions, the in-app inbox, and the server's VAPID key pair. Timestamps are RFC 3339 text in UTC.

-- A worker holds a row it claimed until `locked_until`; a row whose lease ran out (its worker died) is
-- claimed again.
ALTER TABLE notification_outbox ADD COLUMN locked_until TEXT;
ALTER TABLE notification_outbox ADD COLUMN last_error TEXT;

CREATE TABLE notification_deliveries (
    outbox_id    INTEGER NOT NULL REFERENCES notification_outbox (id),
    channel      TEXT NOT NULL CHECK (channel IN ('sms', 'push', 'inbox')),
    target       TEXT NOT NULL,                    -- the phone number, or the push endpoint
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (outbox_id, channel, target)
);

-- One row per browser that agreed to notifications, for the phone number it proved (a signed-in
-- citizen's, or the applicant phone of a dossier whose code it knew).
CREATE TABLE push_subscriptions (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    endpoint   TEXT NOT NULL,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CONSTRAINT push_subscriptions_endpoint_key UNIQUE (endpoint)
);
CREATE INDEX push_subscriptions_phone_idx ON push_subscriptions (phone);

-- The in-app inbox: one message per notice, for the applicant's phone number. The text is written when
-- read, in the reader's language, from the state and the note.
CREATE TABLE inbox_items (
    id        INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES notification_outbox (id),
    phone     TEXT NOT NULL,
    code      TEXT NOT NULL,
    procedure TEXT NOT NULL,
    state     TEXT NOT NULL,
    note      TEXT,
    at        TEXT NOT NULL,
    read_at   TEXT,
    CONSTRAINT inbox_items_outbox_key UNIQUE (outbox_id)
);
CREATE INDEX inbox_items_phone_idx ON inbox_items (phone, id);

-- The server's VAPID key pair (P-256, base64url), made on the first start; one row, shared by every
-- server of the database.
CREATE TABLE vapid_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
