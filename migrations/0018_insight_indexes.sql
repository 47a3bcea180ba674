CREATE INDEX "audit_action_idx" ON "audit_log" USING btree ("action","id");--> statement-breakpoint
CREATE INDEX "audit_actor_idx" ON "audit_log" USING btree (lower("actor_label"),"id");--> statement-breakpoint
CREATE INDEX "review_events_type_at_idx" ON "review_events" USING btree ("type","at");