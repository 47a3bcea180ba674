CREATE TABLE "calendar_schedules" (
	"calendar_id" text NOT NULL,
	"year" integer NOT NULL,
	"holidays" integer NOT NULL,
	"make_up_days" integer NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL,
	"imported_by" uuid,
	CONSTRAINT "calendar_schedules_calendar_id_year_pk" PRIMARY KEY("calendar_id","year")
);
--> statement-breakpoint
CREATE TABLE "declaration_acceptances" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"declaration_id" text NOT NULL,
	"version" integer NOT NULL,
	"review_id" uuid NOT NULL,
	"subject_id" text NOT NULL,
	"round" integer NOT NULL,
	"api_key_id" uuid,
	"ip" text,
	"accepted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "declaration_versions" (
	"declaration_id" text NOT NULL,
	"version" integer NOT NULL,
	"title_zh" text NOT NULL,
	"title_en" text NOT NULL,
	"text_zh" text NOT NULL,
	"text_en" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" uuid,
	CONSTRAINT "declaration_versions_declaration_id_version_pk" PRIMARY KEY("declaration_id","version"),
	CONSTRAINT "declaration_versions_version_check" CHECK ("declaration_versions"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "business_type" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "handler_id_digest" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "legal_representative_name" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "legal_representative_id_sealed" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "legal_representative_id_masked" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "pending_contact_phone" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "pending_legal_representative_name" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "pending_legal_representative_id_sealed" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "pending_legal_representative_id_masked" text;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "image_check" jsonb;--> statement-breakpoint
ALTER TABLE "enterprises" ADD COLUMN "risk_signals" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "number_orders" ADD COLUMN "contact_id" uuid;--> statement-breakpoint
ALTER TABLE "calendar_schedules" ADD CONSTRAINT "calendar_schedules_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_schedules" ADD CONSTRAINT "calendar_schedules_imported_by_staff_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "declaration_acceptances" ADD CONSTRAINT "declaration_acceptances_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "declaration_versions" ADD CONSTRAINT "declaration_versions_published_by_staff_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "declaration_acceptances_review_idx" ON "declaration_acceptances" USING btree ("review_id","round");--> statement-breakpoint
CREATE INDEX "enterprises_license_code_idx" ON "enterprises" USING btree ("license_code");--> statement-breakpoint
CREATE INDEX "enterprises_handler_id_idx" ON "enterprises" USING btree ("handler_id_digest");--> statement-breakpoint
CREATE INDEX "stored_files_sha256_idx" ON "stored_files" USING btree ("sha256");