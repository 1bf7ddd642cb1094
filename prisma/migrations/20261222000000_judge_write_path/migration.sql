-- Updating completions (a judge storing verdicts, a re-grade) moved the
-- aggregates at a cost of several reads per changed row: the pair counts'
-- five terms probed every changed row's case twice (after the statement and
-- before it), and the search backlog's statement trigger compared every
-- changed row's text, though only a replaced text matters.
--
-- Pairs: with I the new row versions, D the old ones and U the other
-- completions of the cases they touch (those the statement did not change),
-- the pair counts change by
--   cross(I, U) + pairs(I) - cross(D, U) - pairs(D)
-- which is what the five terms come to (docs/aggregates.md), with U read
-- once, one index probe per touched case. The per-completion part is as
-- before. Inserts and deletes keep their triggers.
--
-- Both update triggers run their statements through EXECUTE: PL/pgSQL
-- keeps a statement's plan for the session, made for the transition tables
-- of the first update it saw, and a plan made for a 50-row batch (nested
-- loops over the transition tables) took seconds on the next 2,000-row one;
-- planned each time, a batch costs a millisecond of planning.
--
-- Search: a row trigger on the text column alone, so that an update which
-- does not set the text skips it without reading anything.
DO $do$
DECLARE
  pair text := 'SELECT x.project_id, least(x.run_id, y.run_id) AS run_a, greatest(x.run_id, y.run_id) AS run_b,
      CASE WHEN x.run_id < y.run_id THEN x.expected_intent ELSE y.expected_intent END AS expected_intent,
      CASE WHEN x.run_id < y.run_id THEN x.predicted ELSE y.predicted END AS predicted_a,
      CASE WHEN x.run_id < y.run_id THEN x.intent_verdict ELSE y.intent_verdict END AS intent_a,
      CASE WHEN x.run_id < y.run_id THEN x.policy_verdict ELSE y.policy_verdict END AS policy_a,
      CASE WHEN x.run_id < y.run_id THEN y.predicted ELSE x.predicted END AS predicted_b,
      CASE WHEN x.run_id < y.run_id THEN y.intent_verdict ELSE x.intent_verdict END AS intent_b,
      CASE WHEN x.run_id < y.run_id THEN y.policy_verdict ELSE x.policy_verdict END AS policy_b,
      %3$s AS sign
      FROM (SELECT project_id, case_id, run_id, expected_intent, intent_verdict, policy_verdict,
                   CASE WHEN intent_verdict = ''format_error'' THEN '''' ELSE coalesce(predicted_intent, '''') END AS predicted FROM %1$s) x
      JOIN (SELECT project_id, case_id, run_id, expected_intent, intent_verdict, policy_verdict,
                   CASE WHEN intent_verdict = ''format_error'' THEN '''' ELSE coalesce(predicted_intent, '''') END AS predicted FROM %2$s) y
        ON y.project_id = x.project_id AND y.case_id = x.case_id AND %4$s';
  counts text := 'WITH changed AS (SELECT project_id, run_id, expected_intent,
      CASE WHEN intent_verdict = ''format_error'' THEN '''' ELSE coalesce(predicted_intent, '''') END AS predicted,
      intent_verdict, policy_verdict, coalesce(case_tags, ''{}'') AS tags, -1 AS sign FROM old_rows UNION ALL SELECT project_id, run_id, expected_intent,
      CASE WHEN intent_verdict = ''format_error'' THEN '''' ELSE coalesce(predicted_intent, '''') END AS predicted,
      intent_verdict, policy_verdict, coalesce(case_tags, ''{}'') AS tags, 1 AS sign FROM new_rows), fine AS (
    SELECT project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, sum(sign) AS n
      FROM changed
     GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(sign) <> 0
  ), counts AS (
    INSERT INTO completion_counts AS t (project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, tags_key, n)
    SELECT project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, md5(tags::text), n
      FROM fine
     ORDER BY project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, md5(tags::text)
    ON CONFLICT (project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags_key) DO UPDATE SET n = t.n + excluded.n
  ), confusion AS (
    INSERT INTO run_confusion AS c (project_id, run_id, expected_intent, predicted, n)
    SELECT project_id, run_id, expected_intent, predicted, sum(n)
      FROM fine
     GROUP BY 1, 2, 3, 4
    HAVING sum(n) <> 0
     ORDER BY 1, 2, 3, 4
    ON CONFLICT (project_id, run_id, expected_intent, predicted) DO UPDATE SET n = c.n + excluded.n
  ), delta AS (
    SELECT project_id, run_id, expected_intent,
           sum(n) AS total,
           coalesce(sum(n) FILTER (WHERE intent_verdict = ''correct''), 0) AS correct,
           coalesce(sum(n) FILTER (WHERE intent_verdict = ''wrong''), 0) AS wrong,
           coalesce(sum(n) FILTER (WHERE intent_verdict = ''format_error''), 0) AS format_error,
           coalesce(sum(n) FILTER (WHERE policy_verdict = ''pass''), 0) AS policy_pass,
           coalesce(sum(n) FILTER (WHERE policy_verdict = ''fail''), 0) AS policy_fail,
           coalesce(sum(n) FILTER (WHERE policy_verdict = ''pending''), 0) AS policy_pending,
           coalesce(sum(n) FILTER (WHERE intent_verdict = ''correct'' AND policy_verdict = ''pass''), 0) AS system_success
      FROM fine
     GROUP BY project_id, run_id, expected_intent
  )
  INSERT INTO run_intent_stats AS s
         (project_id, run_id, expected_intent, total, correct, wrong, format_error,
          policy_pass, policy_fail, policy_pending, system_success)
  SELECT project_id, run_id, expected_intent, total, correct, wrong, format_error, policy_pass, policy_fail, policy_pending, system_success
    FROM delta
   WHERE total <> 0 OR correct <> 0 OR wrong <> 0 OR format_error <> 0 OR policy_pass <> 0
      OR policy_fail <> 0 OR policy_pending <> 0 OR system_success <> 0
   ORDER BY project_id, run_id, expected_intent
  ON CONFLICT (project_id, run_id, expected_intent) DO UPDATE SET
    total = s.total + excluded.total,
    correct = s.correct + excluded.correct,
    wrong = s.wrong + excluded.wrong,
    format_error = s.format_error + excluded.format_error,
    policy_pass = s.policy_pass + excluded.policy_pass,
    policy_fail = s.policy_fail + excluded.policy_fail,
    policy_pending = s.policy_pending + excluded.policy_pending,
    system_success = s.system_success + excluded.system_success';
  pairs text := 'WITH touched AS (
    SELECT DISTINCT project_id, case_id FROM (SELECT project_id, case_id FROM old_rows UNION ALL SELECT project_id, case_id FROM new_rows) t
  ), others AS MATERIALIZED (
    SELECT c.project_id, c.case_id, c.run_id, c.expected_intent, c.intent_verdict, c.policy_verdict, c.predicted_intent
      FROM touched t JOIN completions c ON c.project_id = t.project_id AND c.case_id = t.case_id
     WHERE NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.project_id = c.project_id AND n.id = c.id)
  ), changed AS (%1$s), delta AS (
    SELECT project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, sum(sign) AS n
      FROM changed
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(sign) <> 0
  )
  INSERT INTO run_pair_counts AS p (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, n)
  SELECT * FROM delta
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ON CONFLICT (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b) DO UPDATE SET n = p.n + excluded.n';
  lock_cases text := 'SELECT 1 FROM case_outcomes o
    WHERE (o.project_id, o.case_id) IN (SELECT project_id, case_id FROM (SELECT project_id, case_id FROM old_rows UNION ALL SELECT project_id, case_id FROM new_rows) t)
    ORDER BY o.project_id, o.case_id FOR UPDATE';
  recount_cases text := 'WITH touched AS (SELECT DISTINCT project_id, case_id FROM (SELECT project_id, case_id FROM old_rows UNION ALL SELECT project_id, case_id FROM new_rows) t), fresh AS (
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
  ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success) DO UPDATE SET n = i.n + excluded.n';
BEGIN
  EXECUTE format('CREATE OR REPLACE FUNCTION completion_stats_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('BEGIN EXECUTE %L; EXECUTE %L; RETURN NULL; END;', counts, format(pairs,
      format(pair, 'new_rows', 'others', '1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
      format(pair, 'new_rows', 'new_rows', '1', 'x.run_id < y.run_id') || ' UNION ALL ' ||
      format(pair, 'old_rows', 'others', '-1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
      format(pair, 'old_rows', 'old_rows', '-1', 'x.run_id < y.run_id'))));
  -- The touched cases' rows are locked first, and recounted in a later statement (as before).
  EXECUTE format('CREATE OR REPLACE FUNCTION case_outcomes_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('BEGIN EXECUTE %L; EXECUTE %L; RETURN NULL; END;', lock_cases, recount_cases));
END;
$do$;

DROP TRIGGER completion_search_update ON completions;
DROP FUNCTION completion_search_updated();

CREATE FUNCTION completion_search_text_replaced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO completion_search_backlog (project_id, first_id, last_id) VALUES (NEW.project_id, NEW.id, NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER completion_search_update AFTER UPDATE OF text ON completions
  FOR EACH ROW WHEN (OLD.text IS DISTINCT FROM NEW.text) EXECUTE FUNCTION completion_search_text_replaced();

-- A completion's verdicts are found through the unique (project_id, completion_id, cache_key)
-- index's first two columns: the index on those two alone only cost every stored verdict.
DROP INDEX "policy_verdicts_project_id_completion_id_idx";
