-- The staff workspace (issue 7): documents issued on dossiers, requests for amendments and the audit log.
-- Timestamps are RFC 3339 text in UTC, dates YYYY-MM-DD.

-- Every document the office issued (GCN, notices, letters), its PDF in the object store. A GCN stops being
-- current when a later one replaces it (a change of the business), which /verify says.
CREATE TABLE dossier_documents (
    id          INTEGER PRIMARY KEY,
    dossier_id  INTEGER NOT NULL REFERENCES dossiers (id),
    kind        TEXT NOT NULL,                 -- gcn | termination_notice | supplement_request | refusal | apology | acknowledgement
    title       TEXT NOT NULL,
    verify_code TEXT,                          -- what the QR's /verify/{code} names
    storage_key TEXT NOT NULL,
    issued_at   TEXT NOT NULL,
    is_current  INTEGER NOT NULL DEFAULT 1,
    hkd_code    TEXT,
    content_json TEXT                          -- what the document says (domain::documents), for /verify
);
CREATE INDEX dossier_documents_dossier_idx ON dossier_documents (dossier_id, id);
-- 128 random bits each: unguessable, and unique.
CREATE UNIQUE INDEX dossier_documents_verify_key ON dossier_documents (verify_code);
CREATE INDEX dossier_documents_hkd_idx ON dossier_documents (hkd_code, kind);

-- Requests for amendments; the open one has no resolved_at. The first resubmission (its key and body hash)
-- is kept with the form as it was before.
CREATE TABLE supplement_requests (
    id                 INTEGER PRIMARY KEY,
    dossier_id         INTEGER NOT NULL REFERENCES dossiers (id),
    requested_at       TEXT NOT NULL,
    deadline           TEXT,
    note               TEXT,
    items_json         TEXT NOT NULL,
    document_id        INTEGER REFERENCES dossier_documents (id),
    resolved_at        TEXT,
    resolution         TEXT,                   -- resubmitted | lapsed | withdrawn
    resubmission_key   TEXT,
    resubmission_hash  TEXT,
    original_form_json TEXT
);
CREATE INDEX supplement_requests_open_idx ON supplement_requests (resolved_at, deadline);

-- Who read or did what to which dossier, from where. Append-only.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    staff_id     TEXT NOT NULL,
    staff_name   TEXT NOT NULL,
    action       TEXT NOT NULL,                -- view | attachment | document | action:<name>
    dossier_code TEXT NOT NULL,
    jurisdiction TEXT NOT NULL,
    client_addr  TEXT,
    detail       TEXT
);
CREATE INDEX audit_log_dossier_idx ON audit_log (dossier_code, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- The form as the phone sent it (its draft's keys): what staff read and what a request for amendments
-- names, item by item. `form_json` keeps the validated form the documents are made from.
ALTER TABLE dossiers ADD COLUMN draft_json TEXT;

-- A resubmission brings the amended list of files: those no longer listed are kept (what was filed
-- stays readable) and marked replaced; staff and the receipt see the current ones.
ALTER TABLE attachments ADD COLUMN replaced_at TEXT;
