-- Exact counts for any combination of the table's completion filters, and per
-- pair of runs, kept in step with completions by the same statement-level
-- triggers as run_intent_stats and run_confusion (which stay: the leaderboard
-- and the confusion matrix read them). See README "Aggregates".

-- A completion carries its case's tags, as it carries its ground truth, so the
-- triggers read the transition tables alone (no join to cases, which a cascaded
-- delete would already have removed). Kept in step by the cases trigger below.
ALTER TABLE "completions" ADD COLUMN "case_tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
UPDATE completions c SET case_tags = k.tags
  FROM cases k WHERE k.project_id = c.project_id AND k.id = c.case_id AND coalesce(k.tags, '{}') <> '{}';

-- Completions per (run, ground truth, predicted, intent verdict, policy verdict,
-- the case's tags): predicted is '' for a format error, tags the case's whole
-- tag array as stored (a row per distinct array), keyed by its md5 (an array of
-- up to 50 tags of 100 characters would not fit a btree entry).
CREATE TABLE "completion_counts" (
    "project_id" INTEGER NOT NULL,
    "run_id" INTEGER NOT NULL,
    "expected_intent" TEXT NOT NULL,
    "predicted" TEXT NOT NULL,
    "intent_verdict" "intent_verdict" NOT NULL,
    "policy_verdict" "policy_verdict" NOT NULL,
    "tags" text[] NOT NULL,
    "tags_key" TEXT NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "completion_counts_pkey" PRIMARY KEY ("project_id","run_id","expected_intent","predicted","intent_verdict","policy_verdict","tags_key")
);

-- Cases answered by both runs of a pair (run_a < run_b), per ground truth and
-- each run's predicted intent (or '') and verdicts.
CREATE TABLE "run_pair_counts" (
    "project_id" INTEGER NOT NULL,
    "run_a" INTEGER NOT NULL,
    "run_b" INTEGER NOT NULL,
    "expected_intent" TEXT NOT NULL,
    "predicted_a" TEXT NOT NULL,
    "intent_a" "intent_verdict" NOT NULL,
    "policy_a" "policy_verdict" NOT NULL,
    "predicted_b" TEXT NOT NULL,
    "intent_b" "intent_verdict" NOT NULL,
    "policy_b" "policy_verdict" NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "run_pair_counts_pkey" PRIMARY KEY ("project_id","run_a","run_b","expected_intent","predicted_a","intent_a","policy_a","predicted_b","intent_b","policy_b")
);

DROP TRIGGER completion_stats_insert ON completions;
DROP TRIGGER completion_stats_update ON completions;
DROP TRIGGER completion_stats_delete ON completions;
DROP FUNCTION completion_stats_insert();
DROP FUNCTION completion_stats_update();
DROP FUNCTION completion_stats_delete();

-- One body per operation (each trigger sees only its own transition tables).
-- Per-completion aggregates: the changed rows are read once, grouped at the
-- finest grain (`fine`), and the three tables are summed from that. Pairs:
-- with S the completions after the statement, I the new row versions and D
-- the old ones, the pair counts change by
--   cross(S, I) - pairs(I) - cross(S, D) + cross(I, D) - pairs(D)
-- where cross(X, Y) counts each (x in X, y in Y) of one case and two runs and
-- pairs(X) each pair within X once (derivation in docs/aggregates.md).
-- Rows are applied in key order so concurrent writers lock them alike.
DO $do$
DECLARE
  op text;
  source text;
  pair_terms text;
  columns text := 'SELECT project_id, run_id, expected_intent,
      CASE WHEN intent_verdict = ''format_error'' THEN '''' ELSE coalesce(predicted_intent, '''') END AS predicted,
      intent_verdict, policy_verdict, coalesce(case_tags, ''{}'') AS tags, %s AS sign FROM %s';
  -- Oriented pairs of x and y (one case, two runs) with a sign.
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
  body text := '
BEGIN
  WITH changed AS (%1$s), fine AS (
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
    system_success = s.system_success + excluded.system_success;

  WITH changed AS (%2$s), delta AS (
    SELECT project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, sum(sign) AS n
      FROM changed
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
    HAVING sum(sign) <> 0
  )
  INSERT INTO run_pair_counts AS p (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, n)
  SELECT * FROM delta
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ON CONFLICT (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b) DO UPDATE SET n = p.n + excluded.n;

  RETURN NULL;
END;';
BEGIN
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    source := CASE op
      WHEN 'insert' THEN format(columns, '1', 'new_rows')
      WHEN 'delete' THEN format(columns, '-1', 'old_rows')
      ELSE format(columns, '-1', 'old_rows') || ' UNION ALL ' || format(columns, '1', 'new_rows')
    END;
    -- cross(S, X): x in X, y any other run''s completion of the case now; pairs(X): within X, once.
    pair_terms := CASE op
      WHEN 'insert' THEN
        format(pair, 'new_rows', 'completions', '1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
        format(pair, 'new_rows', 'new_rows', '-1', 'x.run_id < y.run_id')
      WHEN 'delete' THEN
        format(pair, 'old_rows', 'completions', '-1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
        format(pair, 'old_rows', 'old_rows', '-1', 'x.run_id < y.run_id')
      ELSE
        format(pair, 'new_rows', 'completions', '1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
        format(pair, 'new_rows', 'new_rows', '-1', 'x.run_id < y.run_id') || ' UNION ALL ' ||
        format(pair, 'old_rows', 'completions', '-1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
        format(pair, 'new_rows', 'old_rows', '1', 'y.run_id <> x.run_id') || ' UNION ALL ' ||
        format(pair, 'old_rows', 'old_rows', '-1', 'x.run_id < y.run_id')
    END;
    EXECUTE format('CREATE FUNCTION completion_stats_%s() RETURNS trigger LANGUAGE plpgsql AS %L',
                   op, format(body, source, pair_terms));
  END LOOP;
END;
$do$;

CREATE TRIGGER completion_stats_insert AFTER INSERT ON completions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION completion_stats_insert();
CREATE TRIGGER completion_stats_update AFTER UPDATE ON completions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION completion_stats_update();
CREATE TRIGGER completion_stats_delete AFTER DELETE ON completions
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION completion_stats_delete();

CREATE OR REPLACE FUNCTION completion_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_intent_stats;
  DELETE FROM run_confusion;
  DELETE FROM completion_counts;
  DELETE FROM run_pair_counts;
  RETURN NULL;
END;
$$;

-- A case's new tags go to its completions (whose update trigger moves their counts).
CREATE FUNCTION completion_tags_case_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE completions c SET case_tags = n.tags
    FROM new_rows n JOIN old_rows o ON o.project_id = n.project_id AND o.id = n.id
   WHERE n.tags IS DISTINCT FROM o.tags AND c.project_id = n.project_id AND c.case_id = n.id;
  RETURN NULL;
END $$;

CREATE TRIGGER completion_tags_case_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_tags_case_updated();

-- The new aggregates of the data already stored.
INSERT INTO completion_counts (project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, tags_key, n)
SELECT project_id, run_id, expected_intent, predicted, intent_verdict, policy_verdict, tags, md5(tags::text), n
  FROM (SELECT project_id, run_id, expected_intent, CASE WHEN intent_verdict = 'format_error' THEN '' ELSE coalesce(predicted_intent, '') END AS predicted,
               intent_verdict, policy_verdict, coalesce(case_tags, '{}') AS tags, count(*) AS n
          FROM completions GROUP BY 1, 2, 3, 4, 5, 6, 7) g;

INSERT INTO run_pair_counts (project_id, run_a, run_b, expected_intent, predicted_a, intent_a, policy_a, predicted_b, intent_b, policy_b, n)
SELECT a.project_id, a.run_id, b.run_id, a.expected_intent,
       CASE WHEN a.intent_verdict = 'format_error' THEN '' ELSE coalesce(a.predicted_intent, '') END, a.intent_verdict, a.policy_verdict,
       CASE WHEN b.intent_verdict = 'format_error' THEN '' ELSE coalesce(b.predicted_intent, '') END, b.intent_verdict, b.policy_verdict,
       count(*)
  FROM completions a JOIN completions b ON b.project_id = a.project_id AND b.case_id = a.case_id AND b.run_id > a.run_id
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
