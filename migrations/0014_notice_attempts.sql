CREATE TABLE "notice_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"notice_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"outcome" text NOT NULL,
	"attempt" integer NOT NULL,
	"detail" text
);
--> statement-breakpoint
ALTER TABLE "notice_attempts" ADD CONSTRAINT "notice_attempts_notice_id_notification_outbox_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notification_outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notice_attempts_notice_idx" ON "notice_attempts" USING btree ("notice_id","id");