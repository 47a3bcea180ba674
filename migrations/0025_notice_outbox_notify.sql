-- A notice waiting for dispatch (new, or put back for another round) wakes the dispatchers that
-- LISTEN on notice_outbox when its transaction commits, rather than waiting for their next poll.
-- PostgreSQL sends one notification per transaction however many rows it wrote.
CREATE OR REPLACE FUNCTION notice_outbox_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('notice_outbox', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER notice_outbox_waiting AFTER INSERT OR UPDATE OF dispatched_at ON notification_outbox
  FOR EACH ROW WHEN (NEW.dispatched_at IS NULL) EXECUTE FUNCTION notice_outbox_notify();
