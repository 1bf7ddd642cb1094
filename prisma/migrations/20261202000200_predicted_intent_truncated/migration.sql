-- A predicted intent is model output of any length, but it is indexed
-- (completions_project_id_run_id_predicted_intent_idx, and run_confusion's
-- primary key through the aggregate triggers), and a btree entry holds at most
-- 2,704 bytes. The app stores at most the first 200 characters (lib/ingest/
-- regrade.ts) and flags the cut here; the full generation stays in `text`.
ALTER TABLE "completions" ADD COLUMN "predicted_intent_truncated" BOOLEAN NOT NULL DEFAULT false;
