-- aggregates_verdict_moves (20261228000000) kept the aggregates after a
-- verdict-only update in five statements. The last three (the cases'
-- completions probed with completion_outcome_counts; the per-completion
-- counts; the pairs) are now one: the cases' completions no longer go back to
-- the function as an array of composite rows and into the next statement
-- again, and two statements fewer are planned per batch. The first two stay
-- as they were: the probe of the cases' completions must read in a snapshot
-- taken after the cases' outcome rows are locked.
--
-- The shared aggregate rows keep the order every path takes them:
-- completion_outcome_counts, run_intent_stats, run_confusion,
-- completion_counts, run_pair_counts (the three per-completion tables in the
-- order their shared statement runs them: its main query, then its unread
-- writing CTEs from the last in the text). PostgreSQL leaves the order of a
-- statement's writing CTEs unspecified, so the order is made a matter of data:
-- each upsert after the first has a condition on the count of the rows the
-- one before it returned, an uncorrelated subquery that the planner evaluates
-- once, before the upsert's input yields a row (a one-time filter), and a
-- writing CTE runs to its end before its rows can all be counted.
--
-- Measured on copies of one database (100,000 cases x 2 runs, the first run
-- judged): the fully cached re-judge's store statement for a page of the
-- second run, one backend, each variant applied in a transaction that was
-- rolled back, 20 pages interleaved: median 113.3 against 120.0 ms for pages
-- of 2,000 (median pair ratio 0.960), 214.3 against 224.2 ms for pages of
-- 4,000 (0.959).

-- Every statement through EXECUTE: planned for this update's values (see 20261222000000_judge_write_path).
CREATE OR REPLACE FUNCTION aggregates_verdict_moves() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  keys_moved boolean;
  moves completion_verdict_move[];
  outcomes case_outcome_move[];
BEGIN
  EXECUTE $q$
    SELECT coalesce(bool_or((o.case_id, o.run_id, o.expected_intent, o.predicted_intent, o.case_tags)
                            IS DISTINCT FROM (n.case_id, n.run_id, n.expected_intent, n.predicted_intent, n.case_tags)), false),
           array_agg(ROW(n.id, n.project_id, n.case_id, n.run_id, n.expected_intent, n.predicted_intent, coalesce(n.case_tags, '{}'),
                         o.intent_verdict, o.policy_verdict, n.intent_verdict, n.policy_verdict)::completion_verdict_move)
             FILTER (WHERE (o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.intent_verdict, n.policy_verdict))
      FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id$q$
    INTO keys_moved, moves;
  PERFORM set_config('ib.verdict_moves', CASE WHEN keys_moved THEN '' ELSE 'counted' END, true);
  IF keys_moved OR moves IS NULL THEN RETURN NULL; END IF;

  EXECUTE $q$
    WITH moved AS (
      SELECT m.project_id, m.case_id,
             sum((m.new_intent = 'correct')::int - (m.old_intent = 'correct')::int)::int AS correct,
             sum((m.new_policy = 'pass')::int - (m.old_policy = 'pass')::int)::int AS pass,
             sum((m.new_policy = 'fail')::int - (m.old_policy = 'fail')::int)::int AS fail,
             sum((m.new_intent = 'correct' AND m.new_policy = 'pass')::int - (m.old_intent = 'correct' AND m.old_policy = 'pass')::int)::int AS success,
             array_agg(m.id) AS moved_ids, array_agg(m.old_intent) AS old_intents, array_agg(m.old_policy) AS old_policies
        FROM unnest($1::completion_verdict_move[]) m
       GROUP BY 1, 2
    ), previous AS (
      -- One index probe per case, the rows locked in key order; each with its case's changes beside it.
      SELECT o.project_id, o.case_id, o.runs, o.intent_split, o.policy_split, o.predicted_kinds, o.intent_correct, o.policy_pass, o.system_success, o.policy_fail,
             m.correct, m.pass, m.fail, m.success, m.moved_ids, m.old_intents, m.old_policies
        FROM moved m JOIN case_outcomes o ON o.project_id = m.project_id AND o.case_id = m.case_id
       ORDER BY o.project_id, o.case_id
         FOR UPDATE OF o
    ), fresh AS (
      SELECT p.project_id, p.case_id, p.runs,
             least(p.intent_correct + p.correct, p.runs - p.intent_correct - p.correct) AS intent_split,
             least(p.policy_pass + p.pass, p.policy_fail + p.fail) AS policy_split,
             p.predicted_kinds,
             p.intent_correct + p.correct AS intent_correct,
             p.policy_pass + p.pass AS policy_pass,
             p.system_success + p.success AS system_success,
             p.policy_fail + p.fail AS policy_fail,
             p.intent_correct AS old_intent_correct, p.policy_pass AS old_policy_pass, p.system_success AS old_system_success,
             p.moved_ids, p.old_intents, p.old_policies
        FROM previous p
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
    ), counted AS (
      INSERT INTO case_outcome_counts AS i (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success, n)
      SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5, 6, 7, 8
      ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds, intent_correct, policy_pass, system_success) DO UPDATE SET n = i.n + excluded.n
    )
    SELECT array_agg(ROW(project_id, case_id, runs, old_intent_correct, old_policy_pass, old_system_success, intent_correct, policy_pass, system_success,
                         moved_ids, old_intents, old_policies)::case_outcome_move)
      FROM fresh$q$
    INTO outcomes USING moves;

  -- The shared aggregate rows are upserted in the order the other triggers take them (case_outcome_counts above;
  -- then completion_outcome_counts, run_intent_stats, run_confusion, completion_counts, run_pair_counts, each in
  -- key order), so that writers never wait for each other in a cycle. In one statement, after the locks above
  -- (a later snapshot): each upsert but the first is gated on counting what the one before it returned, and a
  -- writing CTE runs to its end before its rows can be counted, so that order is fixed by what each part reads.
  EXECUTE $q$
    WITH cc AS MATERIALIZED (
      -- Every completion of the cases moved, as it is now (one index probe per case: OFFSET 0 keeps the probe a
      -- subquery, so the planner knows cc's size), with its verdicts before this update and its case's outcome
      -- before and after.
      SELECT c.project_id, c.case_id, c.run_id, c.expected_intent, c.predicted_intent, c.intent_verdict, c.policy_verdict,
             coalesce(t.old_intents[array_position(t.moved_ids, c.id)], c.intent_verdict) AS old_intent,
             coalesce(t.old_policies[array_position(t.moved_ids, c.id)], c.policy_verdict) AS old_policy,
             c.id = ANY(t.moved_ids) AS moved,
             t.runs, t.intent_correct, t.policy_pass, t.system_success, t.old_intent_correct, t.old_policy_pass, t.old_system_success,
             (t.intent_correct, t.policy_pass, t.system_success) <> (t.old_intent_correct, t.old_policy_pass, t.old_system_success) AS shifted
        FROM unnest($1::case_outcome_move[]) t
       CROSS JOIN LATERAL (SELECT c.project_id, c.case_id, c.id, c.run_id, c.expected_intent, c.predicted_intent, c.intent_verdict, c.policy_verdict
                             FROM completions c WHERE c.project_id = t.project_id AND c.case_id = t.case_id OFFSET 0) c
    ), keyed AS (
      SELECT cc.project_id, cc.runs, cc.run_id, cc.expected_intent, coalesce(cc.predicted_intent, '') AS predicted,
             s.intent_verdict, s.policy_verdict, s.intent_correct, s.policy_pass, s.system_success, sum(s.sign) AS n
        FROM cc CROSS JOIN LATERAL (VALUES (cc.intent_verdict, cc.policy_verdict, cc.intent_correct, cc.policy_pass, cc.system_success, 1),
                                           (cc.old_intent, cc.old_policy, cc.old_intent_correct, cc.old_policy_pass, cc.old_system_success, -1))
             s(intent_verdict, policy_verdict, intent_correct, policy_pass, system_success, sign)
       WHERE cc.moved OR cc.shifted
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
      HAVING sum(s.sign) <> 0
    ), outcome_counts AS (
      INSERT INTO completion_outcome_counts AS o (project_id, runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success, n)
      SELECT * FROM keyed ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
      ON CONFLICT (project_id, runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success) DO UPDATE SET n = o.n + excluded.n
      RETURNING 1
    ), fine AS (
      -- The per-completion counts, from the moved rows alone: each out with its old verdicts, in with its new ones.
      SELECT m.project_id, m.run_id, m.expected_intent,
             CASE WHEN s.intent_verdict = 'format_error' THEN '' ELSE coalesce(m.predicted_intent, '') END AS predicted,
             s.intent_verdict, s.policy_verdict, m.tags, sum(s.sign) AS n
        FROM unnest($2::completion_verdict_move[]) m
       CROSS JOIN LATERAL (VALUES (m.old_intent, m.old_policy, -1), (m.new_intent, m.new_policy, 1)) s(intent_verdict, policy_verdict, sign)
       GROUP BY 1, 2, 3, 4, 5, 6, 7
      HAVING sum(s.sign) <> 0
    ), delta AS (
      SELECT project_id, run_id, expected_intent, sum(n) AS total,
             coalesce(sum(n) FILTER (WHERE intent_verdict = 'correct'), 0) AS correct,
             coalesce(sum(n) FILTER (WHERE intent_verdict = 'wrong'), 0) AS wrong,
             coalesce(sum(n) FILTER (WHERE intent_verdict = 'format_error'), 0) AS format_error,
             coalesce(sum(n) FILTER (WHERE policy_verdict = 'pass'), 0) AS policy_pass,
             coalesce(sum(n) FILTER (WHERE policy_verdict = 'fail'), 0) AS policy_fail,
             coalesce(sum(n) FILTER (WHERE policy_verdict = 'pending'), 0) AS policy_pending,
             coalesce(sum(n) FILTER (WHERE intent_verdict = 'correct' AND policy_verdict = 'pass'), 0) AS system_success
        FROM fine
       GROUP BY project_id, run_id, expected_intent
    ), stats AS (
      INSERT INTO run_intent_stats AS s (project_id, run_id, expected_intent, total, correct, wrong, format_error, policy_pass, policy_fail, policy_pending, system_success)
      SELECT project_id, run_id, expected_intent, total, correct, wrong, format_error, policy_pass, policy_fail, policy_pending, system_success
        FROM delta
       WHERE (total <> 0 OR correct <> 0 OR wrong <> 0 OR format_error <> 0 OR policy_pass <> 0 OR policy_fail <> 0 OR policy_pending <> 0 OR system_success <> 0)
         AND (SELECT count(*) FROM outcome_counts) >= 0
       ORDER BY project_id, run_id, expected_intent
      ON CONFLICT (project_id, run_id, expected_intent) DO UPDATE SET
        total = s.total + excluded.total, correct = s.correct + excluded.correct, wrong = s.wrong + excluded.wrong,
        format_error = s.format_error + excluded.format_error, policy_pass = s.policy_pass + excluded.policy_pass,
        policy_fail = s.policy_fail + excluded.policy_fail, policy_pending = s.policy_pending + excluded.policy_pending,
        system_success = s.system_success + excluded.system_success
      RETURNING 1
    ), confusion AS (
      INSERT INTO run_confusion AS c (project_id, run_id, expected_intent, predicted, n)
      SELECT project_id, run_id, expected_intent, predicted, sum(n)
        FROM fine
       WHERE (SELECT count(*) FROM stats) >= 0
       GROUP BY 1, 2, 3, 4
      HAVING sum(n) <> 0
       ORDER BY 1, 2, 3, 4
      ON CONFLICT (project_id, run_id, expected_intent, predicted) DO UPDATE SET n = c.n + excluded.n
      RETURNING 1
    ), counts AS (
      INSERT INTO completion_counts AS t (project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, tags_key, n)
      SELECT project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, md5(tags::text), n
        FROM fine
       WHERE (SELECT count(*) FROM confusion) >= 0
       ORDER BY project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, md5(tags::text)
      ON CONFLICT (project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags_key) DO UPDATE SET n = t.n + excluded.n
      RETURNING 1
    ), paired AS (
      -- Each pair of a case's completions with a moved one in it: out with the old verdicts, in with the new (cc
      -- joined with itself, by hashing).
      SELECT x.project_id, x.run_id AS run_a, y.run_id AS run_b, x.expected_intent,
             CASE WHEN s.intent_a = 'format_error' THEN '' ELSE coalesce(x.predicted_intent, '') END AS predicted_a, s.intent_a, s.policy_a,
             CASE WHEN s.intent_b = 'format_error' THEN '' ELSE coalesce(y.predicted_intent, '') END AS predicted_b, s.intent_b, s.policy_b,
             sum(s.sign) AS n
        FROM cc x JOIN cc y ON y.project_id = x.project_id AND y.case_id = x.case_id AND x.run_id < y.run_id
       CROSS JOIN LATERAL (VALUES (x.intent_verdict, x.policy_verdict, y.intent_verdict, y.policy_verdict, 1),
                                  (x.old_intent, x.old_policy, y.old_intent, y.old_policy, -1)) s(intent_a, policy_a, intent_b, policy_b, sign)
       WHERE x.moved OR y.moved
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
      HAVING sum(s.sign) <> 0
    )
    INSERT INTO run_pair_counts AS p (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, n)
    SELECT * FROM paired WHERE (SELECT count(*) FROM counts) >= 0 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    ON CONFLICT (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b) DO UPDATE SET n = p.n + excluded.n$q$
    USING outcomes, moves;
  RETURN NULL;
END;
$fn$;

-- What the cases' completions travelled in between statements.
DROP TYPE "case_completion";
