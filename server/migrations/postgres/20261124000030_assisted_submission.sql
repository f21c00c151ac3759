-- Assisted submission (issue 7): the officer who filed a dossier for a citizen at the counter (the
-- dossier's channel is then 'assisted'; the citizen confirmed with a code texted to their phone).
ALTER TABLE dossiers ADD COLUMN assisted_by UUID REFERENCES staff_accounts (id);
