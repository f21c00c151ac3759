-- Issue 16 (review): how a citizen session was started. Only a session the national e-identity
-- started ('vneid') carries the account's verified identity; a phone code ('phone') proves the SIM
-- only, even when the account is linked to an e-identity. Staff sessions: NULL. Sessions made before
-- this column read as phone sessions.
ALTER TABLE sessions ADD COLUMN sign_in TEXT CHECK (sign_in IN ('phone', 'vneid'));
