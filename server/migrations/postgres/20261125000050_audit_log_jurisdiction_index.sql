-- The audit log screen reads a jurisdiction's rows newest first, 500 at a time (`?before=<id>`):
-- without this index, every page would scan the whole log (every queue read of every commune is in it).
CREATE INDEX audit_log_jurisdiction_idx ON audit_log (jurisdiction, id);
