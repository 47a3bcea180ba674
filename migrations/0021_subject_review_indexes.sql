DROP INDEX "reviews_tenant_idx";--> statement-breakpoint
CREATE INDEX "audio_files_review_idx" ON "audio_files" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "enterprises_review_idx" ON "enterprises" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "number_orders_review_idx" ON "number_orders" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "quality_check_opt_outs_review_idx" ON "quality_check_opt_outs" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "service_activations_review_idx" ON "service_activations" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "unsubscribe_batches_review_idx" ON "unsubscribe_batches" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "voice_templates_review_idx" ON "voice_templates" USING btree ("review_id");--> statement-breakpoint
CREATE INDEX "reviews_tenant_idx" ON "reviews" USING btree ("tenant_id","submitted_at" DESC NULLS LAST,"id" DESC NULLS LAST);