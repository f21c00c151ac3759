-- Issue 16 (review): which sign-in a push subscription was made under — the SHA-256 of the session's
-- token (as `sessions.token_hash`), or of the dossier-scoped access token (as
-- `dossier_access.token_hash`) when the browser subscribed with an access and no session. Signing out
-- removes the subscriptions made under that session and the accesses it ends, so the next person on a
-- shared device does not receive the previous citizen's notices. Subscriptions made before: NULL.
ALTER TABLE push_subscriptions ADD COLUMN made_by TEXT;
CREATE INDEX push_subscriptions_made_by_idx ON push_subscriptions (made_by);
