-- Who sent each uploaded file (issue 17): a file is stored once, by its SHA-256, but a person sees it as
-- uploaded — and may attach it to a dossier — only once they sent its bytes themselves (a claim), so the
-- hash of another person's document neither reveals that it is here nor lets anyone attach it. The
-- uploader is `citizen:<account id>`, `staff:<id>` or `access:<token hash>` (a dossier-scoped access).
-- `claimed_at` is renewed when the uploader asks for the file's status: an upload no dossier holds and
-- nobody claimed for a week is removed.
CREATE TABLE upload_claims (
    sha256     TEXT NOT NULL REFERENCES uploads (sha256) ON DELETE CASCADE,
    uploader   TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    PRIMARY KEY (sha256, uploader)
);
CREATE INDEX upload_claims_claimed_idx ON upload_claims (claimed_at);

-- The bytes each uploader (and each client address, `addr:<address or /64>`) sent in a day (UTC), reserved
-- atomically before a chunk is kept: the daily upload allowance.
CREATE TABLE upload_usage (
    uploader TEXT NOT NULL,
    day      TEXT NOT NULL,
    bytes    INTEGER NOT NULL,
    PRIMARY KEY (uploader, day)
);
