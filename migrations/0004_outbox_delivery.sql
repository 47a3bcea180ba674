ALTER TABLE "notification_outbox" ADD COLUMN "dispatched_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD COLUMN "delivered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD COLUMN "send_round" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_undispatched_idx" ON "notification_outbox" USING btree ("created_at") WHERE "notification_outbox"."dispatched_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_provider_idx" ON "notification_outbox" USING btree ("provider_message_id");--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "notification_outbox" USING btree ("created_at" DESC NULLS LAST,"id");