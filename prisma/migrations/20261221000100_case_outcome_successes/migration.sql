-- How many of a case's completions succeed, per kind of success (intent
-- correct; policy pass; both), in case_outcomes and as part of the key of
-- case_outcome_counts: with `runs`, the exact count of every `agreement` over
-- every run of a project (paired: runs = R; disagree: 0 < k < R; allSucceed:
-- k = R; allFail: k = 0) without grouping the completions per case.
ALTER TABLE "case_outcomes" ADD COLUMN "intent_correct" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "policy_pass" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "system_success" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "case_outcome_counts" ADD COLUMN "intent_correct" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "policy_pass" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "system_success" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "case_outcome_counts" DROP CONSTRAINT "case_outcome_counts_pkey";
ALTER TABLE "case_outcome_counts" ADD CONSTRAINT "case_outcome_counts_pkey"
  PRIMARY KEY ("project_id", "runs", "intent_split", "policy_split", "predicted_kinds", "intent_correct", "policy_pass", "system_success");

-- The same triggers as before, keeping the three counts too.
DO $do$
DECLARE
  op text;
  touched text;
  body text := '
BEGIN
  PERFORM 1 FROM case_outcomes o
    WHERE (o.project_id, o.case_id) IN (SELECT project_id, case_id FROM (%1$s) t)
    ORDER BY o.project_id, o.case_id FOR UPDATE;

  WITH touched AS (SELECT DISTINCT project_id, case_id FROM (%1$s) t), fresh AS (
    SELECT t.project_id, t.case_id, count(c.id)::int AS runs,
           least(count(*) FILTER (WHERE c.intent_verdict = ''correct''), count(c.id) - count(*) FILTER (WHERE c.intent_verdict = ''correct''))::int AS intent_split,
           least(count(*) FILTER (WHERE c.policy_verdict = ''pass''), count(*) FILTER (WHERE c.policy_verdict = ''fail''))::int AS policy_split,
           (count(DISTINCT coalesce(c.predicted_intent, '''')) FILTER (WHERE c.id IS NOT NULL))::int AS predicted_kinds,
           (count(*) FILTER (WHERE c.intent_verdict = ''correct''))::int AS intent_correct,
           (count(*) FILTER (WHERE c.policy_verdict = ''pass''))::int AS policy_pass,
           (count(*) FILTER (WHERE c.intent_verdict = ''correct'' AND c.policy_verdict = ''pass''))::int AS system_success
      FROM touched t LEFT JOIN completions c ON c.project_id = t.project_id AND c.case_id = t.case_id
     GROUP BY t.project_id, t.case_id
  ), previous AS (
    SELECT o.project_id, o.case_id, o.runs, o.intent_split, o.policy_split, o.predicted_kinds, o.intent_correct, o.policy_pass, o.system_success
      FROM case_outcomes o JOIN touched t ON t.project_id = o.project_id AND t.case_id = o.case_id
  ), stored AS (
    INSERT INTO case_outcomes AS o (project_id, case_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success)
    SELECT * FROM fresh ORDER BY project_id, case_id
    ON CONFLICT (project_id, case_id) DO UPDATE SET runs = excluded.runs, intent_split = excluded.intent_split,
      policy_split = excluded.policy_split, predicted_kinds = excluded.predicted_kinds,
      intent_correct = excluded.intent_correct, policy_pass = excluded.policy_pass, system_success = excluded.system_success
  ), delta AS (
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
  ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success) DO UPDATE SET n = i.n + excluded.n;

  RETURN NULL;
END;';
BEGIN
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    touched := CASE op
      WHEN 'insert' THEN 'SELECT project_id, case_id FROM new_rows'
      WHEN 'delete' THEN 'SELECT project_id, case_id FROM old_rows'
      ELSE 'SELECT project_id, case_id FROM old_rows UNION ALL SELECT project_id, case_id FROM new_rows'
    END;
    EXECUTE format('CREATE OR REPLACE FUNCTION case_outcomes_%s() RETURNS trigger LANGUAGE plpgsql AS %L', op, format(body, touched));
  END LOOP;
END;
$do$;

-- The data already stored.
UPDATE case_outcomes o SET intent_correct = f.intent_correct, policy_pass = f.policy_pass, system_success = f.system_success
  FROM (SELECT project_id, case_id,
               (count(*) FILTER (WHERE intent_verdict = 'correct'))::int AS intent_correct,
               (count(*) FILTER (WHERE policy_verdict = 'pass'))::int AS policy_pass,
               (count(*) FILTER (WHERE intent_verdict = 'correct' AND policy_verdict = 'pass'))::int AS system_success
          FROM completions GROUP BY project_id, case_id) f
 WHERE o.project_id = f.project_id AND o.case_id = f.case_id;

DELETE FROM case_outcome_counts;
INSERT INTO case_outcome_counts (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, n)
SELECT project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, count(*)
  FROM case_outcomes WHERE runs > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
