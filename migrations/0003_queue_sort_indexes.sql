CREATE INDEX "reviews_due_idx" ON "reviews" USING btree ("status","due_at","id");--> statement-breakpoint
CREATE INDEX "reviews_submitted_idx" ON "reviews" USING btree ("status","submitted_at","id");