-- A judge storing verdicts moves completions' policy verdicts only, and the
-- update trigger still recounted every touched case from its completions
-- (an index probe and a read of every completion of the case). A case's
-- outcome is a sum over its completions except `predicted_kinds` (a count of
-- distinct predicted intents) and the two splits, and the splits follow from
-- sums: intent_split = least(correct, runs - correct), policy_split =
-- least(pass, fail). With the failed count kept beside the passed one
-- (`policy_fail`), an update whose rows kept their case and predicted intent
-- (a judge's verdicts, a corrected ground truth) now adds its rows' changes
-- to the cases' stored counts without reading completions. An update that
-- moves a case or a prediction recounts as before.
--
-- Measured on a judge job storing 100,000 verdicts from the cache (100,000
-- cases x 2 runs): the recount statement took 2.7 s of the job's 15.1 s of
-- statement time.
ALTER TABLE "case_outcomes" ADD COLUMN "policy_fail" INTEGER NOT NULL DEFAULT 0;

UPDATE case_outcomes o SET policy_fail = f.n
  FROM (SELECT project_id, case_id, count(*)::int AS n FROM completions WHERE policy_verdict = 'fail' GROUP BY 1, 2) f
 WHERE o.project_id = f.project_id AND o.case_id = f.case_id;

DO $do$
DECLARE
  -- The recount of the cases in `touched` (a query of (project_id, case_id)), as before plus policy_fail.
  recount text := 'WITH touched AS (SELECT DISTINCT project_id, case_id FROM (%1$s) t), fresh AS (
    SELECT t.project_id, t.case_id, count(c.id)::int AS runs,
           least(count(*) FILTER (WHERE c.intent_verdict = ''correct''), count(c.id) - count(*) FILTER (WHERE c.intent_verdict = ''correct''))::int AS intent_split,
           least(count(*) FILTER (WHERE c.policy_verdict = ''pass''), count(*) FILTER (WHERE c.policy_verdict = ''fail''))::int AS policy_split,
           (count(DISTINCT coalesce(c.predicted_intent, '''')) FILTER (WHERE c.id IS NOT NULL))::int AS predicted_kinds,
           (count(*) FILTER (WHERE c.intent_verdict = ''correct''))::int AS intent_correct,
           (count(*) FILTER (WHERE c.policy_verdict = ''pass''))::int AS policy_pass,
           (count(*) FILTER (WHERE c.intent_verdict = ''correct'' AND c.policy_verdict = ''pass''))::int AS system_success,
           (count(*) FILTER (WHERE c.policy_verdict = ''fail''))::int AS policy_fail
      FROM touched t LEFT JOIN completions c ON c.project_id = t.project_id AND c.case_id = t.case_id
     GROUP BY t.project_id, t.case_id
  ), previous AS (
    SELECT o.project_id, o.case_id, o.runs, o.intent_split, o.policy_split, o.predicted_kinds, o.intent_correct, o.policy_pass, o.system_success
      FROM case_outcomes o JOIN touched t ON t.project_id = o.project_id AND t.case_id = o.case_id
  ), stored AS (
    INSERT INTO case_outcomes AS o (project_id, case_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, policy_fail)
    SELECT * FROM fresh ORDER BY project_id, case_id
    ON CONFLICT (project_id, case_id) DO UPDATE SET runs = excluded.runs, intent_split = excluded.intent_split,
      policy_split = excluded.policy_split, predicted_kinds = excluded.predicted_kinds,
      intent_correct = excluded.intent_correct, policy_pass = excluded.policy_pass, system_success = excluded.system_success,
      policy_fail = excluded.policy_fail
  ), %2$s';
  -- The cases whose rows moved by their verdicts alone, and by how much per count.
  adjust text := 'WITH moved AS (
    SELECT n.project_id, n.case_id,
           sum((n.intent_verdict = ''correct'')::int - (o.intent_verdict = ''correct'')::int)::int AS correct,
           sum((n.policy_verdict = ''pass'')::int - (o.policy_verdict = ''pass'')::int)::int AS pass,
           sum((n.policy_verdict = ''fail'')::int - (o.policy_verdict = ''fail'')::int)::int AS fail,
           sum((n.intent_verdict = ''correct'' AND n.policy_verdict = ''pass'')::int - (o.intent_verdict = ''correct'' AND o.policy_verdict = ''pass'')::int)::int AS success
      FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id
     WHERE (o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.intent_verdict, n.policy_verdict)
     GROUP BY 1, 2
  ), previous AS (
    SELECT o.project_id, o.case_id, o.runs, o.intent_split, o.policy_split, o.predicted_kinds, o.intent_correct, o.policy_pass, o.system_success, o.policy_fail
      FROM case_outcomes o JOIN moved m ON m.project_id = o.project_id AND m.case_id = o.case_id
  ), fresh AS (
    SELECT p.project_id, p.case_id, p.runs,
           least(p.intent_correct + m.correct, p.runs - p.intent_correct - m.correct) AS intent_split,
           least(p.policy_pass + m.pass, p.policy_fail + m.fail) AS policy_split,
           p.predicted_kinds,
           p.intent_correct + m.correct AS intent_correct,
           p.policy_pass + m.pass AS policy_pass,
           p.system_success + m.success AS system_success,
           p.policy_fail + m.fail AS policy_fail
      FROM previous p JOIN moved m ON m.project_id = p.project_id AND m.case_id = p.case_id
  ), stored AS (
    UPDATE case_outcomes o SET intent_split = f.intent_split, policy_split = f.policy_split, intent_correct = f.intent_correct,
           policy_pass = f.policy_pass, system_success = f.system_success, policy_fail = f.policy_fail
      FROM fresh f WHERE o.project_id = f.project_id AND o.case_id = f.case_id
  ), %1$s';
  -- case_outcome_counts moved by the fresh and previous outcomes (both CTEs above).
  counts text := 'delta AS (
    SELECT project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, sum(sign) AS n
      FROM (SELECT project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, 1 AS sign FROM fresh
            UNION ALL
            SELECT project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, -1 FROM previous) d
     WHERE runs > 0
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    HAVING sum(sign) <> 0
  )
  INSERT INTO case_outcome_counts AS i (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, n)
  SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
  ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success) DO UPDATE SET n = i.n + excluded.n';
  -- Locks the cases in (%1$s) in key order; the statement after it reads them with a snapshot taken after the lock.
  lock_cases text := 'SELECT 1 FROM case_outcomes o
    WHERE (o.project_id, o.case_id) IN (SELECT project_id, case_id FROM (%1$s) t)
    ORDER BY o.project_id, o.case_id FOR UPDATE';
  paired text := 'FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id';
  outcome_moved text := '(o.case_id, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.predicted_intent, n.intent_verdict, n.policy_verdict)';
  case_moved text := '(o.case_id, o.predicted_intent) IS DISTINCT FROM (n.case_id, n.predicted_intent)';
  moved_cases text;
  verdict_cases text;
BEGIN
  moved_cases := format('SELECT o.project_id, unnest(ARRAY[o.case_id, n.case_id]) AS case_id %s WHERE %s', paired, outcome_moved);
  verdict_cases := format('SELECT n.project_id, n.case_id %s WHERE (o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.intent_verdict, n.policy_verdict)', paired);

  EXECUTE format('CREATE OR REPLACE FUNCTION case_outcomes_insert() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('BEGIN EXECUTE %L; EXECUTE %L; RETURN NULL; END;',
      format(lock_cases, 'SELECT project_id, case_id FROM new_rows'),
      format(recount, 'SELECT project_id, case_id FROM new_rows', counts)));
  EXECUTE format('CREATE OR REPLACE FUNCTION case_outcomes_delete() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('BEGIN EXECUTE %L; EXECUTE %L; RETURN NULL; END;',
      format(lock_cases, 'SELECT project_id, case_id FROM old_rows'),
      format(recount, 'SELECT project_id, case_id FROM old_rows', counts)));
  -- Nothing moved: return. A case or a prediction moved: recount the moved rows' cases. Otherwise adjust.
  EXECUTE format('CREATE OR REPLACE FUNCTION case_outcomes_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('DECLARE moved boolean; recount boolean; BEGIN
      EXECUTE %L INTO moved, recount;
      IF NOT moved THEN RETURN NULL; END IF;
      IF recount THEN EXECUTE %L; EXECUTE %L; ELSE EXECUTE %L; EXECUTE %L; END IF;
      RETURN NULL; END;',
      format('SELECT count(*) > 0, coalesce(bool_or(%s), false) %s WHERE %s', case_moved, paired, outcome_moved),
      format(lock_cases, moved_cases), format(recount, moved_cases, counts),
      format(lock_cases, verdict_cases), format(adjust, counts)));
END;
$do$;
