-- Decisions now record the deadline they were measured against (statistics' "on time"). Earlier
-- decisions get it where it is still known: from the review while the round is current, else from
-- the round's recorded breach. Rounds with neither were decided before their deadline passed.
UPDATE "review_events" AS e
SET "data" = e."data" || jsonb_build_object('dueAt', to_char(r."due_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
FROM "reviews" AS r
WHERE r."id" = e."review_id" AND e."round" = r."round" AND e."type" IN ('approved', 'rejected') AND NOT (e."data" ? 'dueAt');
--> statement-breakpoint
UPDATE "review_events" AS e
SET "data" = e."data" || jsonb_build_object('dueAt', b."data"->'dueAt')
FROM "review_events" AS b
WHERE b."review_id" = e."review_id" AND b."round" = e."round" AND b."type" = 'breached' AND b."data" ? 'dueAt'
  AND e."type" IN ('approved', 'rejected') AND NOT (e."data" ? 'dueAt');
