-- Issue 16 (review): whether the business owner's identity number on a dossier was vouched for by the
-- national e-identity when it was filed: 1 when a VNeID session whose identity number is the owner's
-- (the registration form's owner; the registry's owner of a change or termination) filed it, 0
-- otherwise (a phone sign-in, an authorised person, an heir, a counter filing, and every dossier filed
-- before this column). Officers are warned about a registration whose owner is not verified.
ALTER TABLE dossiers ADD COLUMN owner_verified INTEGER NOT NULL DEFAULT 0;
