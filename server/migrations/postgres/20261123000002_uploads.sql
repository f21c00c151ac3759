-- Files the phone uploaded, addressed by the SHA-256 of the bytes it sent. The stored object is the
-- cleaned file (image metadata removed), so its size may be smaller than what was received.
CREATE TABLE uploads (
    sha256        TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    media_type    TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size          BIGINT NOT NULL CHECK (size > 0),
    received_size BIGINT NOT NULL CHECK (received_size > 0),
    storage_key   TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
