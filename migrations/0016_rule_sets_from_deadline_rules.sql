-- A kind's deadline rule now lives in its rule set: a rule an admin had set becomes that kind's
-- first rule-set version (the other sections take the kind's defaults when read).
INSERT INTO "rule_set_versions" ("kind", "version", "rules", "comment", "author_id", "created_at")
SELECT "kind", 1, jsonb_build_object('deadlines', jsonb_build_object('review', "rule")), 'deadline rule carried over', "updated_by", "updated_at"
FROM "deadline_rules"
ON CONFLICT DO NOTHING;
