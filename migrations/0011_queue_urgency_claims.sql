DROP INDEX "reviews_queue_idx";--> statement-breakpoint
DROP INDEX "reviews_kind_queue_idx";--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "summary" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "urgency" integer GENERATED ALWAYS AS (case sla_state when 'breached' then 0 when 'at_risk' then 1 else 2 end) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "assigned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "reviews_open_urgency_idx" ON "reviews" USING btree ("urgency","queue_bucket","due_at","submitted_at","id") WHERE "reviews"."status" in ('pending','provisioning');--> statement-breakpoint
CREATE INDEX "reviews_open_kind_urgency_idx" ON "reviews" USING btree ("kind","urgency","queue_bucket","due_at","submitted_at","id") WHERE "reviews"."status" in ('pending','provisioning');--> statement-breakpoint
CREATE INDEX "reviews_open_sla_idx" ON "reviews" USING btree ("kind","sla_state") WHERE "reviews"."status" in ('pending','provisioning');--> statement-breakpoint
CREATE INDEX "reviews_open_assignee_idx" ON "reviews" USING btree ("assignee_id","due_at") WHERE "reviews"."status" in ('pending','provisioning');