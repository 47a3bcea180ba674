ALTER TABLE "notification_outbox" DROP CONSTRAINT "notification_outbox_contact_id_contacts_id_fk";
--> statement-breakpoint
ALTER TABLE "notification_outbox" ADD CONSTRAINT "notification_outbox_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;