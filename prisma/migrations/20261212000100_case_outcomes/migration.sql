-- The disagreement inbox's ranking per case (lib/query/inbox.ts), kept in step
-- with completions by statement-level triggers, so the inbox reads a page of an
-- index and a few dozen counts instead of grouping every completion per case.
-- One row per case that has completions: how many runs answered it, the split
-- on intent (runs on the smaller side of correct against not correct), on
-- policy (pass against fail) and how many different intents were predicted
-- ('' for a format error counts as one).
CREATE TABLE "case_outcomes" (
    "project_id" INTEGER NOT NULL,
    "case_id" BIGINT NOT NULL,
    "runs" INTEGER NOT NULL,
    "intent_split" INTEGER NOT NULL,
    "policy_split" INTEGER NOT NULL,
    "predicted_kinds" INTEGER NOT NULL,

    CONSTRAINT "case_outcomes_pkey" PRIMARY KEY ("project_id","case_id")
);

-- The inbox's cases in ranking order (docs: INBOX_RULE).
-- Negated, so that a page continues after a cursor with one row comparison on the index.
CREATE INDEX "case_outcomes_inbox_idx" ON "case_outcomes" ("project_id", (-"intent_split"), (-"policy_split"), (-"predicted_kinds"), "case_id")
  WHERE "runs" >= 2 AND ("intent_split" > 0 OR "policy_split" > 0);

-- How many cases have each key (cases with completions only): the inbox's total
-- and the table's case count without reading a row per case.
CREATE TABLE "case_outcome_counts" (
    "project_id" INTEGER NOT NULL,
    "runs" INTEGER NOT NULL,
    "intent_split" INTEGER NOT NULL,
    "policy_split" INTEGER NOT NULL,
    "predicted_kinds" INTEGER NOT NULL,
    "n" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "case_outcome_counts_pkey" PRIMARY KEY ("project_id","runs","intent_split","policy_split","predicted_kinds")
);

-- A distinct count is not a sum, so the cases a statement touched are recomputed
-- from their completions. Their rows are locked first (in key order), and the
-- recomputation is a later statement with a fresh snapshot, so two transactions
-- touching one case (a judge and an ingest) are applied one after the other.
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
           (count(DISTINCT coalesce(c.predicted_intent, '''')) FILTER (WHERE c.id IS NOT NULL))::int AS predicted_kinds
      FROM touched t LEFT JOIN completions c ON c.project_id = t.project_id AND c.case_id = t.case_id
     GROUP BY t.project_id, t.case_id
  ), previous AS (
    SELECT o.* FROM case_outcomes o JOIN touched t ON t.project_id = o.project_id AND t.case_id = o.case_id
  ), stored AS (
    INSERT INTO case_outcomes AS o (project_id, case_id, runs, intent_split, policy_split, predicted_kinds)
    SELECT * FROM fresh ORDER BY project_id, case_id
    ON CONFLICT (project_id, case_id) DO UPDATE SET runs = excluded.runs, intent_split = excluded.intent_split,
      policy_split = excluded.policy_split, predicted_kinds = excluded.predicted_kinds
  ), delta AS (
    SELECT project_id, runs, intent_split, policy_split, predicted_kinds, sum(sign) AS n
      FROM (SELECT project_id, runs, intent_split, policy_split, predicted_kinds, 1 AS sign FROM fresh
            UNION ALL
            SELECT project_id, runs, intent_split, policy_split, predicted_kinds, -1 FROM previous) d
     WHERE runs > 0
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(sign) <> 0
  )
  INSERT INTO case_outcome_counts AS i (project_id, runs, intent_split, policy_split, predicted_kinds, n)
  SELECT * FROM delta ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (project_id, runs, intent_split, policy_split, predicted_kinds) DO UPDATE SET n = i.n + excluded.n;

  RETURN NULL;
END;';
BEGIN
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    touched := CASE op
      WHEN 'insert' THEN 'SELECT project_id, case_id FROM new_rows'
      WHEN 'delete' THEN 'SELECT project_id, case_id FROM old_rows'
      ELSE 'SELECT project_id, case_id FROM old_rows UNION ALL SELECT project_id, case_id FROM new_rows'
    END;
    EXECUTE format('CREATE FUNCTION case_outcomes_%s() RETURNS trigger LANGUAGE plpgsql AS %L', op, format(body, touched));
  END LOOP;
END;
$do$;

CREATE TRIGGER case_outcomes_insert AFTER INSERT ON completions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_outcomes_insert();
CREATE TRIGGER case_outcomes_update AFTER UPDATE ON completions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION case_outcomes_update();
CREATE TRIGGER case_outcomes_delete AFTER DELETE ON completions
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION case_outcomes_delete();

CREATE OR REPLACE FUNCTION completion_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_intent_stats;
  DELETE FROM run_confusion;
  DELETE FROM completion_counts;
  DELETE FROM run_pair_counts;
  DELETE FROM case_outcomes;
  DELETE FROM case_outcome_counts;
  RETURN NULL;
END;
$$;

-- The data already stored.
INSERT INTO case_outcomes (project_id, case_id, runs, intent_split, policy_split, predicted_kinds)
SELECT project_id, case_id, count(*),
       least(count(*) FILTER (WHERE intent_verdict = 'correct'), count(*) - count(*) FILTER (WHERE intent_verdict = 'correct')),
       least(count(*) FILTER (WHERE policy_verdict = 'pass'), count(*) FILTER (WHERE policy_verdict = 'fail')),
       count(DISTINCT coalesce(predicted_intent, ''))
  FROM completions GROUP BY project_id, case_id;

INSERT INTO case_outcome_counts (project_id, runs, intent_split, policy_split, predicted_kinds, n)
SELECT project_id, runs, intent_split, policy_split, predicted_kinds, count(*) FROM case_outcomes GROUP BY 1, 2, 3, 4, 5;
