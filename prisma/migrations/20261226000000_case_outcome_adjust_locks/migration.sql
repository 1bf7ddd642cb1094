-- A judge storing verdicts ran two statements per batch in case_outcomes_update:
-- one locking the touched cases' rows in key order, then one reading them
-- again and adjusting them by the batch's changes. The lock statement joined
-- the transition tables under FOR UPDATE, so every joined row carried a
-- whole-row copy of both completion versions (about 1 kB) for the recheck of
-- concurrent updates, and it cost as much as the adjustment itself (27 ms of
-- a 2,000-verdict batch on PostgreSQL 18).
--
-- The adjustment now takes the locks itself: its `previous` step reads the
-- cases' rows ORDER BY key FOR UPDATE, so they are locked in key order as
-- before (writers of the same cases never deadlock), and under READ
-- COMMITTED a row that a concurrent transaction changed and committed is
-- waited for and read in its committed version, the same values the later
-- snapshot of the separate statement gave. The recount path (a case or a
-- prediction moved) keeps its lock statement: it reads the cases'
-- completions, which a row lock does not bring up to date.
--
-- The function is written out whole; only the adjusting branch changed.
CREATE OR REPLACE FUNCTION case_outcomes_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE moved boolean; recount boolean; BEGIN
      EXECUTE 'SELECT count(*) > 0, coalesce(bool_or((o.case_id, o.predicted_intent) IS DISTINCT FROM (n.case_id, n.predicted_intent)), false) FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id WHERE (o.case_id, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.predicted_intent, n.intent_verdict, n.policy_verdict)' INTO moved, recount;
      IF NOT moved THEN RETURN NULL; END IF;
      IF recount THEN EXECUTE 'SELECT 1 FROM case_outcomes o
    WHERE (o.project_id, o.case_id) IN (SELECT project_id, case_id FROM (SELECT o.project_id, unnest(ARRAY[o.case_id, n.case_id]) AS case_id FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id WHERE (o.case_id, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.predicted_intent, n.intent_verdict, n.policy_verdict)) t)
    ORDER BY o.project_id, o.case_id FOR UPDATE'; EXECUTE 'WITH touched AS (SELECT DISTINCT project_id, case_id FROM (SELECT o.project_id, unnest(ARRAY[o.case_id, n.case_id]) AS case_id FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id WHERE (o.case_id, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.predicted_intent, n.intent_verdict, n.policy_verdict)) t), fresh AS (
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
  ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success) DO UPDATE SET n = i.n + excluded.n'; ELSE EXECUTE 'WITH moved AS (
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
     ORDER BY o.project_id, o.case_id
       FOR UPDATE OF o
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
  ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success) DO UPDATE SET n = i.n + excluded.n'; END IF;
      RETURN NULL; END;
$fn$;
