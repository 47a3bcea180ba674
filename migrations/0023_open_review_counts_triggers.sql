-- open_review_counts holds how many open reviews (pending, provisioning: OPEN_STATUSES in
-- db/queue.ts, change both together) there are of each kind in each deadline state. These
-- statement-level triggers keep it in the same transaction as every change to reviews, from the
-- statement's transition tables: one upsert per (kind, state) whose count moved, in key order, so
-- two statements never take the same rows in opposite orders. Each connection adds to its own slot
-- (its backend pid modulo 16), so concurrent submissions rarely wait on one row; a slot may go
-- below zero when another connection's rows leave, the sum over the slots is the count.
CREATE OR REPLACE FUNCTION open_review_counts_apply() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO open_review_counts AS c (kind, sla_state, slot, n)
      SELECT kind, sla_state, pg_backend_pid() % 16, count(*)::int FROM new_rows
      WHERE status IN ('pending', 'provisioning')
      GROUP BY kind, sla_state ORDER BY kind, sla_state
      ON CONFLICT (kind, sla_state, slot) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO open_review_counts AS c (kind, sla_state, slot, n)
      SELECT kind, sla_state, pg_backend_pid() % 16, -count(*)::int FROM old_rows
      WHERE status IN ('pending', 'provisioning')
      GROUP BY kind, sla_state ORDER BY kind, sla_state
      ON CONFLICT (kind, sla_state, slot) DO UPDATE SET n = c.n + excluded.n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO open_review_counts AS c (kind, sla_state, slot, n)
      SELECT kind, sla_state, pg_backend_pid() % 16, sum(d)::int FROM (
        SELECT kind, sla_state, 1 AS d FROM new_rows WHERE status IN ('pending', 'provisioning')
        UNION ALL
        SELECT kind, sla_state, -1 AS d FROM old_rows WHERE status IN ('pending', 'provisioning')
      ) moved
      GROUP BY kind, sla_state HAVING sum(d) <> 0 ORDER BY kind, sla_state
      ON CONFLICT (kind, sla_state, slot) DO UPDATE SET n = c.n + excluded.n;
  ELSE
    DELETE FROM open_review_counts;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
LOCK TABLE reviews IN SHARE ROW EXCLUSIVE MODE;
--> statement-breakpoint
CREATE TRIGGER open_review_counts_insert AFTER INSERT ON reviews
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
CREATE TRIGGER open_review_counts_update AFTER UPDATE ON reviews
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
CREATE TRIGGER open_review_counts_delete AFTER DELETE ON reviews
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
CREATE TRIGGER open_review_counts_truncate AFTER TRUNCATE ON reviews
  FOR EACH STATEMENT EXECUTE FUNCTION open_review_counts_apply();
--> statement-breakpoint
-- The reviews already open, counted once while the lock above keeps them still.
INSERT INTO open_review_counts (kind, sla_state, slot, n)
  SELECT kind, sla_state, 0, count(*)::int FROM reviews WHERE status IN ('pending', 'provisioning') GROUP BY kind, sla_state;
