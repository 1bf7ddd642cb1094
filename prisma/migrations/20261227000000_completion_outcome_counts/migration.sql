-- Completions counted by their own keys and their case's outcome over every
-- run (case_outcomes: how many runs answered the case, how many of its
-- completions succeed on intent, on policy, on both). An agreement over every
-- run ("runs disagree") with any per-completion filter, and each of the
-- table's facets under it, then counts from a few thousand rows instead of
-- joining every matching case's completions (4.6 s p95 at 1,000,000 cases x 3
-- runs for the six facets of "runs disagree").
CREATE TABLE "completion_outcome_counts" (
    "project_id" INTEGER NOT NULL,
    "runs" INTEGER NOT NULL,
    "run_id" INTEGER NOT NULL,
    "expected_intent" TEXT NOT NULL,
    "predicted" TEXT NOT NULL,
    "intent_verdict" "intent_verdict" NOT NULL,
    "policy_verdict" "policy_verdict" NOT NULL,
    "intent_correct" INTEGER NOT NULL,
    "policy_pass" INTEGER NOT NULL,
    "system_success" INTEGER NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "completion_outcome_counts_pkey" PRIMARY KEY ("project_id","runs","run_id","expected_intent","predicted","intent_verdict","policy_verdict","intent_correct","policy_pass","system_success")
);

-- A statement that moves completions moves a case's outcome, and with it the
-- key of every completion of that case, not only of the rows it wrote. For
-- each case the statement touched, with its outcome now (case_outcomes, which
-- that table's triggers have already brought up to date: they are named
-- case_outcomes_*, and triggers on one event fire in name order) and before
-- (now less what the statement's rows added), the change is
--
--   + each new row (I) under the outcome now  - each old row (D) under the outcome before
--   + each other completion of a case whose outcome moved, under the outcome now, - under the one before
--
-- where the other completions are read by one index probe per such case. The
-- new rows are among the completions that probe reads, so it is written as
--
--   + each completion of a case whose outcome moved, under the outcome now, - under the one before
--   + each new row under the outcome before  - each old row under the outcome before
--
-- (for a new row of a moved case, "+ before" cancels the probe's "- before";
-- in a case that did not move, before is now): an anti-join of the probed
-- completions with the new rows, which the planner estimates at one row, ran
-- as a nested loop over them (0.6 s per 2,000 verdicts).
--
-- case_outcomes' triggers have locked those cases' rows (in key order) when
-- their outcome moved, so this statement, whose snapshot is taken after,
-- reads their completions as committed, and no other writer of the same
-- cases commits before this transaction does. A statement that moves some
-- rows' run or ground truth and not their outcome (which case_outcomes'
-- triggers do not lock for) has every case whose key moved locked first, in
-- one statement in key order, by case_keys_lock_update (named to fire before
-- case_outcomes_update): taking them here, after case_outcomes_update has
-- locked others, would lock out of key order, and two such writers could
-- deadlock. A case's first completions have no case_outcomes row to lock:
-- the ingest, the one writer that inserts them, serialises writers of a case
-- itself (its cases row, locked or inserted under its unique key, before
-- the completions).
DO $do$
DECLARE
  -- %1$s: the new rows that moved (id, project_id, case_id and the key columns); %2$s: the old ones; %3$s: CTEs they read.
  apply text := 'WITH %3$s i AS MATERIALIZED (%1$s), d AS MATERIALIZED (%2$s), shift AS (
    SELECT project_id, case_id, sum(sign)::int AS runs,
           sum(sign * (intent_verdict = ''correct'')::int)::int AS intent_correct,
           sum(sign * (policy_verdict = ''pass'')::int)::int AS policy_pass,
           sum(sign * (intent_verdict = ''correct'' AND policy_verdict = ''pass'')::int)::int AS system_success
      FROM (SELECT project_id, case_id, intent_verdict, policy_verdict, 1 AS sign FROM i
            UNION ALL
            SELECT project_id, case_id, intent_verdict, policy_verdict, -1 FROM d) x
     GROUP BY 1, 2
  ), outcome AS (
    SELECT s.project_id, s.case_id,
           coalesce(o.runs, 0) AS runs, coalesce(o.intent_correct, 0) AS intent_correct,
           coalesce(o.policy_pass, 0) AS policy_pass, coalesce(o.system_success, 0) AS system_success,
           coalesce(o.runs, 0) - s.runs AS old_runs, coalesce(o.intent_correct, 0) - s.intent_correct AS old_intent_correct,
           coalesce(o.policy_pass, 0) - s.policy_pass AS old_policy_pass, coalesce(o.system_success, 0) - s.system_success AS old_system_success,
           (s.runs, s.intent_correct, s.policy_pass, s.system_success) <> (0, 0, 0, 0) AS shifted
      FROM shift s LEFT JOIN case_outcomes o ON o.project_id = s.project_id AND o.case_id = s.case_id
  ), keyed AS (
    SELECT i.project_id, t.old_runs AS runs, i.run_id, i.expected_intent, coalesce(i.predicted_intent, '''') AS predicted, i.intent_verdict, i.policy_verdict,
           t.old_intent_correct AS intent_correct, t.old_policy_pass AS policy_pass, t.old_system_success AS system_success, 1 AS sign
      FROM i JOIN outcome t ON t.project_id = i.project_id AND t.case_id = i.case_id
    UNION ALL
    SELECT d.project_id, t.old_runs, d.run_id, d.expected_intent, coalesce(d.predicted_intent, ''''), d.intent_verdict, d.policy_verdict,
           t.old_intent_correct, t.old_policy_pass, t.old_system_success, -1
      FROM d JOIN outcome t ON t.project_id = d.project_id AND t.case_id = d.case_id
    UNION ALL
    SELECT c.project_id, v.runs, c.run_id, c.expected_intent, coalesce(c.predicted_intent, ''''), c.intent_verdict, c.policy_verdict,
           v.intent_correct, v.policy_pass, v.system_success, v.sign
      FROM outcome t
      JOIN completions c ON c.project_id = t.project_id AND c.case_id = t.case_id
     CROSS JOIN LATERAL (VALUES (t.runs, t.intent_correct, t.policy_pass, t.system_success, 1),
                                (t.old_runs, t.old_intent_correct, t.old_policy_pass, t.old_system_success, -1)) v(runs, intent_correct, policy_pass, system_success, sign)
     WHERE t.shifted
  ), delta AS (
    SELECT project_id, runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success, sum(sign) AS n
      FROM keyed
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(sign) <> 0
  )
  INSERT INTO completion_outcome_counts AS o (project_id, runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success, n)
  SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ON CONFLICT (project_id, runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success) DO UPDATE SET n = o.n + excluded.n';
  columns text := 'id, project_id, case_id, run_id, expected_intent, predicted_intent, intent_verdict, policy_verdict';
  none text := 'SELECT id, project_id, case_id, run_id, expected_intent, predicted_intent, intent_verdict, policy_verdict FROM completions WHERE FALSE';
  paired text := 'FROM old_rows o JOIN new_rows n ON n.project_id = o.project_id AND n.id = o.id';
  key_moved text := '(o.case_id, o.run_id, o.expected_intent, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.run_id, n.expected_intent, n.predicted_intent, n.intent_verdict, n.policy_verdict)';
  -- What case_outcomes_update reads: where it moved, that trigger locks the rows' cases.
  outcome_moved text := '(o.case_id, o.predicted_intent, o.intent_verdict, o.policy_verdict) IS DISTINCT FROM (n.case_id, n.predicted_intent, n.intent_verdict, n.policy_verdict)';
BEGIN
  EXECUTE format('CREATE FUNCTION completion_outcome_counts_insert() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('BEGIN EXECUTE %L; RETURN NULL; END;', format(apply, format('SELECT %s FROM new_rows', columns), none, '')));
  EXECUTE format('CREATE FUNCTION completion_outcome_counts_delete() RETURNS trigger LANGUAGE plpgsql AS %L',
    format('BEGIN EXECUTE %L; RETURN NULL; END;', format(apply, none, format('SELECT %s FROM old_rows', columns), '')));
  -- An update: the moved rows' old and new versions paired once (m), each side read from it.
  EXECUTE format('CREATE FUNCTION completion_outcome_counts_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    -- No separate check for moved rows first: with none, m is empty and so is all that follows, at the cost of the check itself.
    format('BEGIN EXECUTE %L; RETURN NULL; END;',
      format(apply,
        'SELECT id, project_id, n_case_id AS case_id, n_run_id AS run_id, n_expected_intent AS expected_intent, n_predicted_intent AS predicted_intent, n_intent_verdict AS intent_verdict, n_policy_verdict AS policy_verdict FROM m',
        'SELECT id, project_id, o_case_id AS case_id, o_run_id AS run_id, o_expected_intent AS expected_intent, o_predicted_intent AS predicted_intent, o_intent_verdict AS intent_verdict, o_policy_verdict AS policy_verdict FROM m',
        format('m AS MATERIALIZED (SELECT o.id, o.project_id, o.case_id AS o_case_id, o.run_id AS o_run_id, o.expected_intent AS o_expected_intent, o.predicted_intent AS o_predicted_intent, o.intent_verdict AS o_intent_verdict, o.policy_verdict AS o_policy_verdict,
           n.case_id AS n_case_id, n.run_id AS n_run_id, n.expected_intent AS n_expected_intent, n.predicted_intent AS n_predicted_intent, n.intent_verdict AS n_intent_verdict, n.policy_verdict AS n_policy_verdict
      %s WHERE %s),', paired, key_moved))));
  -- Before case_outcomes_update: when some row's key moved but not its outcome, every case whose key moved, locked in key order.
  EXECUTE format('CREATE FUNCTION case_keys_lock_update() RETURNS trigger LANGUAGE plpgsql AS %L',
    -- One statement: the EXISTS is evaluated once, and when false the locking part does not run.
    format('BEGIN EXECUTE %L; RETURN NULL; END;',
      format('SELECT 1 FROM case_outcomes c WHERE EXISTS (SELECT 1 %1$s WHERE (%2$s) AND NOT (%3$s)) AND (c.project_id, c.case_id) IN (SELECT o.project_id, unnest(ARRAY[o.case_id, n.case_id]) %1$s WHERE %2$s) ORDER BY c.project_id, c.case_id FOR UPDATE', paired, key_moved, outcome_moved)));
END;
$do$;

CREATE TRIGGER case_keys_lock_update AFTER UPDATE ON completions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_keys_lock_update();
CREATE TRIGGER completion_outcome_counts_insert AFTER INSERT ON completions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_outcome_counts_insert();
CREATE TRIGGER completion_outcome_counts_update AFTER UPDATE ON completions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_outcome_counts_update();
CREATE TRIGGER completion_outcome_counts_delete AFTER DELETE ON completions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_outcome_counts_delete();

CREATE OR REPLACE FUNCTION completion_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_intent_stats;
  DELETE FROM run_confusion;
  DELETE FROM completion_counts;
  DELETE FROM run_pair_counts;
  DELETE FROM case_outcomes;
  DELETE FROM case_outcome_counts;
  DELETE FROM completion_outcome_counts;
  RETURN NULL;
END;
$$;

-- The data already stored.
INSERT INTO completion_outcome_counts (project_id, runs, run_id, expected_intent, predicted, intent_verdict, policy_verdict, intent_correct, policy_pass, system_success, n)
SELECT c.project_id, o.runs, c.run_id, c.expected_intent, coalesce(c.predicted_intent, ''), c.intent_verdict, c.policy_verdict, o.intent_correct, o.policy_pass, o.system_success, count(*)
  FROM completions c JOIN case_outcomes o ON o.project_id = c.project_id AND o.case_id = c.case_id
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
