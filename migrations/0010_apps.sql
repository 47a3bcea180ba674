CREATE TABLE "apps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"business_type" text NOT NULL,
	"status" text DEFAULT 'normal' NOT NULL,
	"recording" boolean DEFAULT false NOT NULL,
	"quality_check" boolean DEFAULT false NOT NULL,
	"app_key" text NOT NULL,
	"app_secret_hash" text NOT NULL,
	"status_callback_url" text,
	"cdr_callback_url" text,
	"prompt_audio_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "apps_app_key_unique" UNIQUE("app_key")
);
--> statement-breakpoint
ALTER TABLE "apps" ADD CONSTRAINT "apps_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "apps_tenant_name_idx" ON "apps" USING btree ("tenant_id",lower("name"));--> statement-breakpoint
CREATE INDEX "apps_tenant_idx" ON "apps" USING btree ("tenant_id");