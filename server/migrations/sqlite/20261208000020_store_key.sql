-- Issue 16 (review): each account gets an opaque random key that names its store on the device (the
-- phone's IndexedDB database `motcua-p-<store_key>`), in place of a hash of the phone or identity
-- number that anyone holding the device could reverse by trying every number. 32 random bytes as hex;
-- it says nothing about the person and never changes. Existing accounts get one here; a new account
-- gets one from the trigger (SQLite cannot add a column whose default is an expression).

ALTER TABLE citizen_accounts ADD COLUMN store_key TEXT;
UPDATE citizen_accounts SET store_key = lower(hex(randomblob(32)));
CREATE UNIQUE INDEX citizen_accounts_store_key_idx ON citizen_accounts (store_key);
CREATE TRIGGER citizen_accounts_store_key AFTER INSERT ON citizen_accounts
    FOR EACH ROW WHEN NEW.store_key IS NULL
BEGIN
    UPDATE citizen_accounts SET store_key = lower(hex(randomblob(32))) WHERE id = NEW.id;
END;

ALTER TABLE staff_accounts ADD COLUMN store_key TEXT;
UPDATE staff_accounts SET store_key = lower(hex(randomblob(32)));
CREATE UNIQUE INDEX staff_accounts_store_key_idx ON staff_accounts (store_key);
CREATE TRIGGER staff_accounts_store_key AFTER INSERT ON staff_accounts
    FOR EACH ROW WHEN NEW.store_key IS NULL
BEGIN
    UPDATE staff_accounts SET store_key = lower(hex(randomblob(32))) WHERE id = NEW.id;
END;
