-- open_review_counts holds how many open reviews (pending, provisioning: OPEN_STATUSES in
-- db/queue.ts, change both together) there are of each kind in each deadline state. These
-- triggers keep it, per changed row, at the end of the changing transaction (deferred until its
-- commit): a count row is then locked only while that transaction commits, not from its write to
-- its end, so submissions never wait on each other for long. Each transaction adds to its own
-- slot (its id modulo 64), so concurrent commits rarely meet on one row; a slot may go below zero
-- when another transaction's rows leave, the sum over the slots is the count.
CREATE OR REPLACE FUNCTION open_review_counts_apply() RETURNS trigger AS $$
DECLARE
  my_slot int := (txid_current() % 64)::int;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM open_review_counts;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN ('pending', 'provisioning') THEN
    INSERT INTO open_review_counts AS c (kind, sla_state, slot, n) VALUES (OLD.kind, OLD.sla_state, my_slot, -1)
      ON CONFLICT (kind, sla_state, slot) DO UPDATE SET n = c.n - 1;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN ('pending', 'provisioning') THEN
    INSERT INTO open_review_counts AS c (kind, sla_state, slot, n) VALUES (NEW.kind, NEW.sla_state, my_slot, 1)
      ON CONFLICT (kind, sla_state, slot) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
LOCK TABLE reviews IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER open_review_counts_insert AFTER INSERT ON reviews
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status IN ('pending', 'provisioning'))
  EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
-- Most updates (deadlines, claims, marks) change none of the three: they queue nothing.
CREATE CONSTRAINT TRIGGER open_review_counts_update AFTER UPDATE ON reviews
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.sla_state IS DISTINCT FROM NEW.sla_state)
  EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER open_review_counts_delete AFTER DELETE ON reviews
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.status IN ('pending', 'provisioning'))
  EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
CREATE TRIGGER open_review_counts_truncate AFTER TRUNCATE ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
-- The reviews already open, counted once while the lock above keeps them still.
INSERT INTO open_review_counts (kind, sla_state, slot, n)
  SELECT kind, sla_state, 0, count(*)::int FROM reviews WHERE status IN ('pending', 'provisioning') GROUP BY kind, sla_state;
