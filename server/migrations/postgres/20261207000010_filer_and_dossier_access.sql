-- Issue 16: who filed a dossier, the registry's owner phone, and dossier-scoped access.
--
-- A dossier records the citizen account that filed it, the identity number the national e-identity
-- vouched for (when the filer signed in with it), the role chosen on the form (owner | authorised |
-- heir) and the business owner's identity number (the registration form's owner; the registry's owner
-- of a change or termination), so that the owner reads it when signed in.
ALTER TABLE dossiers ADD COLUMN filer_account_id UUID;
ALTER TABLE dossiers ADD COLUMN filer_identity TEXT;
ALTER TABLE dossiers ADD COLUMN filer_role TEXT;
ALTER TABLE dossiers ADD COLUMN owner_identity TEXT;
CREATE INDEX dossiers_filer_account_idx ON dossiers (filer_account_id, received_at);
CREATE INDEX dossiers_filer_identity_idx ON dossiers (filer_identity);
CREATE INDEX dossiers_owner_identity_idx ON dossiers (owner_identity);

-- The owner's phone number on record: who may file a change or termination as the owner when signed in
-- with a phone only. Businesses registered before: the phone of the dossier that registered them.
ALTER TABLE hkd_registry ADD COLUMN owner_phone TEXT;
UPDATE hkd_registry r
   SET owner_phone = d.applicant_phone
  FROM dossiers d
 WHERE d.id = r.dossier_id;

-- Dossier-scoped access: code + a one-time code texted to the dossier's phone gives a short-lived token
-- (cookie) that reads that dossier only. Only the token's SHA-256 is kept.
CREATE TABLE dossier_access (
    token_hash   TEXT PRIMARY KEY,
    dossier_code TEXT NOT NULL,
    client_ip    TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX dossier_access_expires_idx ON dossier_access (expires_at);
