-- A judge storing verdicts updates completions, and both update triggers
-- did their whole work whatever the update changed. After a guideline
-- change a judge stores every verdict again, most of them unchanged: only
-- the completion's guideline version moves, which nothing aggregated
-- reads, and still every case was recounted from its completions and every
-- other run's completion of it was read for the pair counts.
--
-- Now each update trigger first pairs the old and new version of the
-- updated rows (old_rows and new_rows on the key) and returns at once when
-- none moved in a column it reads. Otherwise:
-- - case_outcomes_update locks and recounts only the cases of the rows that
--   moved (the others' outcomes cannot have changed);
-- - completion_stats_update runs its statements as before, over every
--   updated row: a row that did not move counts out and in again, which
--   cancels exactly. Restricting them to the moved rows would be cheaper in
--   principle, but the planner has no estimate for such a filter over
--   transition tables, guesses a few rows, and its nested loops over a
--   2,000-row batch took seconds.
-- The statements themselves stay those of migration
-- 20261222000000_judge_write_path (taken from the functions' source here).

DO $do$
DECLARE
  paired text := 'FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id';
  -- The updated rows, old and new side by side; what case_outcomes reads, and what the counts and pairs read.
  outcome_moved text := '(o.case_id, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.predicted_intent, n.intent_verdict, n.policy_verdict)';
  stats_moved text := '(o.case_id, o.run_id, o.expected_intent, o.predicted_intent, o.intent_verdict, o.policy_verdict, o.case_tags)
    IS DISTINCT FROM (n.case_id, n.run_id, n.expected_intent, n.predicted_intent, n.intent_verdict, n.policy_verdict, n.case_tags)';
  every_case text := 'SELECT project_id, case_id FROM old_rows UNION ALL SELECT project_id, case_id FROM new_rows';
  outcome_body text := (SELECT prosrc FROM pg_proc WHERE proname = 'case_outcomes_update');
  stats_body text := (SELECT prosrc FROM pg_proc WHERE proname = 'completion_stats_update');
  -- Returns at once when no row moved in what `moved` compares.
  early_return text := 'DECLARE moved boolean; BEGIN EXECUTE %L INTO moved; IF NOT moved THEN RETURN NULL; END IF; ';
BEGIN
  IF outcome_body NOT LIKE 'BEGIN EXECUTE %' OR stats_body NOT LIKE 'BEGIN EXECUTE %'
     OR (length(outcome_body) - length(replace(outcome_body, every_case, ''))) / length(every_case) <> 2 THEN
    RAISE EXCEPTION 'the update triggers are not those this migration expects';
  END IF;
  EXECUTE format('CREATE OR REPLACE FUNCTION case_outcomes_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    format(early_return, format('SELECT EXISTS (SELECT 1 %s WHERE %s)', paired, outcome_moved))
    || replace(substr(outcome_body, length('BEGIN ') + 1), every_case,
               format('SELECT o.project_id, unnest(ARRAY[o.case_id, n.case_id]) AS case_id %s WHERE %s', paired, outcome_moved)));
  EXECUTE format('CREATE OR REPLACE FUNCTION completion_stats_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    format(early_return, format('SELECT EXISTS (SELECT 1 %s WHERE %s)', paired, stats_moved))
    || substr(stats_body, length('BEGIN ') + 1));
END;
$do$;
