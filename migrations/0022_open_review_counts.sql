CREATE TABLE "open_review_counts" (
	"kind" text NOT NULL,
	"sla_state" text NOT NULL,
	"slot" integer NOT NULL,
	"n" integer NOT NULL,
	CONSTRAINT "open_review_counts_kind_sla_state_slot_pk" PRIMARY KEY("kind","sla_state","slot")
);
