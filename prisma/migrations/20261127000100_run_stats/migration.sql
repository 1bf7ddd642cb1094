-- Exact leaderboard and confusion aggregates, kept in step with completions by
-- statement-level triggers with transition tables: a bulk COPY or a 1,000-row
-- ingest batch updates each (run, intent) row once, not once per completion.
-- Rows are applied in key order so concurrent writers lock them in the same
-- order and cannot deadlock on each other.

-- One function body, instantiated for INSERT, UPDATE and DELETE: each trigger
-- sees only its own transition tables, so the source of the changed rows differs.
DO $do$
DECLARE
  op text;
  source text;
  columns text := 'SELECT project_id, run_id, expected_intent, intent_verdict, policy_verdict, '
                  'predicted_intent, %s AS sign FROM %s';
  body text := '
BEGIN
  WITH changed AS (%1$s), delta AS (
    SELECT project_id, run_id, expected_intent,
           sum(sign) AS total,
           sum(sign) FILTER (WHERE intent_verdict = ''correct'') AS correct,
           sum(sign) FILTER (WHERE intent_verdict = ''wrong'') AS wrong,
           sum(sign) FILTER (WHERE intent_verdict = ''format_error'') AS format_error,
           sum(sign) FILTER (WHERE policy_verdict = ''pass'') AS policy_pass,
           sum(sign) FILTER (WHERE policy_verdict = ''fail'') AS policy_fail,
           sum(sign) FILTER (WHERE policy_verdict = ''pending'') AS policy_pending,
           sum(sign) FILTER (WHERE intent_verdict = ''correct'' AND policy_verdict = ''pass'') AS system_success
      FROM changed
     GROUP BY project_id, run_id, expected_intent
  )
  INSERT INTO run_intent_stats AS s
         (project_id, run_id, expected_intent, total, correct, wrong, format_error,
          policy_pass, policy_fail, policy_pending, system_success)
  SELECT project_id, run_id, expected_intent, total, coalesce(correct, 0), coalesce(wrong, 0),
         coalesce(format_error, 0), coalesce(policy_pass, 0), coalesce(policy_fail, 0),
         coalesce(policy_pending, 0), coalesce(system_success, 0)
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

  WITH changed AS (%1$s), delta AS (
    SELECT project_id, run_id, expected_intent,
           CASE WHEN intent_verdict = ''format_error'' THEN '''' ELSE predicted_intent END AS predicted,
           sum(sign) AS n
      FROM changed
     GROUP BY 1, 2, 3, 4
    HAVING sum(sign) <> 0
  )
  INSERT INTO run_confusion AS c (project_id, run_id, expected_intent, predicted, n)
  SELECT project_id, run_id, expected_intent, predicted, n
    FROM delta
   ORDER BY project_id, run_id, expected_intent, predicted
  ON CONFLICT (project_id, run_id, expected_intent, predicted) DO UPDATE SET n = c.n + excluded.n;

  RETURN NULL;
END;';
BEGIN
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    source := CASE op
      WHEN 'insert' THEN format(columns, '1', 'new_rows')
      WHEN 'delete' THEN format(columns, '-1', 'old_rows')
      ELSE format(columns, '-1', 'old_rows') || ' UNION ALL ' || format(columns, '1', 'new_rows')
    END;
    EXECUTE format('CREATE FUNCTION completion_stats_%s() RETURNS trigger LANGUAGE plpgsql AS %L',
                   op, format(body, source));
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

-- Leaderboard reads only non-empty rows of one project.
CREATE INDEX run_intent_stats_project_idx ON run_intent_stats (project_id) WHERE total > 0;

-- Text search over cases and replies (the completions filter `q`).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- TRUNCATE fires no row or transition-table triggers: empty the aggregates with it.
CREATE FUNCTION completion_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_intent_stats;
  DELETE FROM run_confusion;
  RETURN NULL;
END;
$$;
CREATE TRIGGER completion_stats_truncate AFTER TRUNCATE ON completions
  FOR EACH STATEMENT EXECUTE FUNCTION completion_stats_truncate();
