CREATE TABLE "batch_numbers" (
	"batch_id" text NOT NULL,
	"position" integer NOT NULL,
	"sheet_row" integer NOT NULL,
	"text" text NOT NULL,
	"number" text,
	"outcome" text DEFAULT 'pending' NOT NULL,
	"reason" text,
	"processed_at" timestamp with time zone,
	CONSTRAINT "batch_numbers_batch_id_position_pk" PRIMARY KEY("batch_id","position"),
	CONSTRAINT "batch_numbers_outcome_check" CHECK ("batch_numbers"."outcome" in ('pending','released','failed'))
);
--> statement-breakpoint
CREATE TABLE "number_order_cities" (
	"order_id" text NOT NULL,
	"city" text NOT NULL,
	"position" integer NOT NULL,
	"ordered" integer NOT NULL,
	CONSTRAINT "number_order_cities_order_id_city_pk" PRIMARY KEY("order_id","city"),
	CONSTRAINT "number_order_cities_ordered_check" CHECK ("number_order_cities"."ordered" between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "number_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"enterprise_id" text NOT NULL,
	"app_id" uuid NOT NULL,
	"contact_name" text NOT NULL,
	"contact_mobile" text NOT NULL,
	"issued_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "numbers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"number" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"order_id" text NOT NULL,
	"city" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"rent_from" text NOT NULL,
	"rent_until" text,
	"issued_at" timestamp with time zone NOT NULL,
	"issued_by" uuid,
	"issue_key" text NOT NULL,
	"released_at" timestamp with time zone,
	"released_by_batch" text,
	CONSTRAINT "numbers_status_check" CHECK ("numbers"."status" in ('active','released'))
);
--> statement-breakpoint
CREATE TABLE "unsubscribe_batches" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"review_id" uuid NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"total" integer NOT NULL,
	"processed" integer DEFAULT 0 NOT NULL,
	"released" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "reviews" ADD COLUMN "stage_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "batch_numbers" ADD CONSTRAINT "batch_numbers_batch_id_unsubscribe_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."unsubscribe_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_order_cities" ADD CONSTRAINT "number_order_cities_order_id_number_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."number_orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "number_orders" ADD CONSTRAINT "number_orders_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "numbers" ADD CONSTRAINT "numbers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "numbers" ADD CONSTRAINT "numbers_issued_by_staff_id_fk" FOREIGN KEY ("issued_by") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unsubscribe_batches" ADD CONSTRAINT "unsubscribe_batches_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "batch_numbers_number_idx" ON "batch_numbers" USING btree ("batch_id","number","position");--> statement-breakpoint
CREATE INDEX "batch_numbers_outcome_idx" ON "batch_numbers" USING btree ("batch_id","outcome","position");--> statement-breakpoint
CREATE INDEX "number_orders_tenant_idx" ON "number_orders" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "numbers_active_number_idx" ON "numbers" USING btree ("number") WHERE "numbers"."status" = 'active';--> statement-breakpoint
CREATE INDEX "numbers_tenant_number_idx" ON "numbers" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE INDEX "numbers_tenant_list_idx" ON "numbers" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE INDEX "numbers_order_idx" ON "numbers" USING btree ("order_id","city");--> statement-breakpoint
CREATE INDEX "numbers_issue_key_idx" ON "numbers" USING btree ("issue_key");--> statement-breakpoint
CREATE INDEX "unsubscribe_batches_tenant_idx" ON "unsubscribe_batches" USING btree ("tenant_id");