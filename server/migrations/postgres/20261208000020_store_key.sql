-- Issue 16 (review): each account gets an opaque random key that names its store on the device (the
-- phone's IndexedDB database `motcua-p-<store_key>`), in place of a hash of the phone or identity
-- number that anyone holding the device could reverse by trying every number. 64 hex digits from two
-- random UUIDs (gen_random_uuid draws from the server's strong random source); it says nothing about
-- the person and never changes. The default gives every existing row its own (a volatile default is
-- evaluated per row) and every new account one.

ALTER TABLE citizen_accounts
    ADD COLUMN store_key TEXT NOT NULL
        DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT citizen_accounts_store_key_key UNIQUE (store_key);

ALTER TABLE staff_accounts
    ADD COLUMN store_key TEXT NOT NULL
        DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''),
    ADD CONSTRAINT staff_accounts_store_key_key UNIQUE (store_key);
