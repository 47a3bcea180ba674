CREATE TABLE "enterprises" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"company_name" text NOT NULL,
	"license_code" text NOT NULL,
	"three_in_one" boolean NOT NULL,
	"fixed_line" boolean NOT NULL,
	"handler_name" text NOT NULL,
	"handler_id_number_sealed" text NOT NULL,
	"handler_id_number_masked" text NOT NULL,
	"handler_mobile" text NOT NULL,
	"handler_address" text NOT NULL,
	"scenario" text NOT NULL,
	"script" text NOT NULL,
	"expected_daily_calls" integer NOT NULL,
	"peak_concurrency" integer NOT NULL,
	"pending_scenario" text,
	"pending_script" text,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_activations" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"business_type" text NOT NULL,
	"enterprise_name" text NOT NULL,
	"carrier_type" text NOT NULL,
	"carrier_name" text NOT NULL,
	"nature" text NOT NULL,
	"industry" text NOT NULL,
	"scenario" text NOT NULL,
	"script" text NOT NULL,
	"used_similar_product" boolean NOT NULL,
	"expected_daily_minutes" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stored_files" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"subject_id" text NOT NULL,
	"field" text NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"original_name" text NOT NULL,
	"file_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"path" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_services" (
	"tenant_id" uuid NOT NULL,
	"business_type" text NOT NULL,
	"state" text NOT NULL,
	"activation_id" text NOT NULL,
	"reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_services_tenant_id_business_type_pk" PRIMARY KEY("tenant_id","business_type")
);
--> statement-breakpoint
ALTER TABLE "notification_outbox" DROP CONSTRAINT "notification_outbox_contact_id_contacts_id_fk";
--> statement-breakpoint
ALTER TABLE "enterprises" ADD CONSTRAINT "enterprises_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_activations" ADD CONSTRAINT "service_activations_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stored_files" ADD CONSTRAINT "stored_files_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_services" ADD CONSTRAINT "tenant_services_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "enterprises_tenant_idx" ON "enterprises" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "service_activations_tenant_idx" ON "service_activations" USING btree ("tenant_id","business_type");--> statement-breakpoint
CREATE INDEX "stored_files_subject_idx" ON "stored_files" USING btree ("kind","subject_id","field","round");--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;