CREATE TABLE "notice_templates" (
	"event" text NOT NULL,
	"channel" text NOT NULL,
	"language" text NOT NULL,
	"subject" text,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" uuid,
	CONSTRAINT "notice_templates_event_channel_language_pk" PRIMARY KEY("event","channel","language")
);
--> statement-breakpoint
ALTER TABLE "notice_templates" ADD CONSTRAINT "notice_templates_updated_by_staff_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;