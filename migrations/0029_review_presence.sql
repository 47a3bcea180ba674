CREATE TABLE "review_presence" (
	"review_id" uuid NOT NULL,
	"staff_id" uuid NOT NULL,
	"activity" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_presence_review_id_staff_id_pk" PRIMARY KEY("review_id","staff_id")
);
--> statement-breakpoint
ALTER TABLE "review_presence" ADD CONSTRAINT "review_presence_review_id_reviews_id_fk" FOREIGN KEY ("review_id") REFERENCES "public"."reviews"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_presence" ADD CONSTRAINT "review_presence_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "review_presence_seen_idx" ON "review_presence" USING btree ("seen_at");