-- Text search for the completion filter `q` (lib/query/search.ts): a
-- case-insensitive substring of the customer's messages or of the completion.
--
-- A trigram index kept inside the ingest transaction made bulk loads several
-- times slower, so the searchable text lives in a table of its own, indexed
-- by a background step (lib/search/indexer.ts) after rows are stored. What it
-- has not indexed yet is never missed: every write that adds or changes
-- searchable text records the completion ids in completion_search_backlog in
-- its own transaction (statement-level triggers below), and a search reads
-- those completions directly. A document is trusted only for completions no
-- backlog entry covers.

-- One document per completion: the case's user messages, one per line, then
-- a line break and the completion text.
CREATE TABLE "completion_search" (
    "project_id" INTEGER NOT NULL,
    "completion_id" BIGINT NOT NULL,
    "document" TEXT NOT NULL,

    CONSTRAINT "completion_search_pkey" PRIMARY KEY ("project_id", "completion_id")
);

ALTER TABLE "completion_search" ADD CONSTRAINT "completion_search_project_id_completion_id_fkey"
  FOREIGN KEY ("project_id", "completion_id") REFERENCES "completions"("project_id", "id") ON DELETE CASCADE ON UPDATE CASCADE;

-- pg_trgm's ILIKE support (the extension is created by the init migration).
CREATE INDEX "completion_search_document_idx" ON "completion_search" USING gin ("document" gin_trgm_ops);

-- The planner estimates how many documents a pattern matches from this
-- column's histogram: a finer one tells a common word from a rare one better.
ALTER TABLE "completion_search" ALTER COLUMN "document" SET STATISTICS 1000;

-- Completion ids [first_id, last_id] of one project whose document is missing
-- or may be stale. A range may also cover ids of other writers' rows: those
-- are then read directly too, which is slower but never wrong.
CREATE TABLE "completion_search_backlog" (
    "project_id" INTEGER NOT NULL,
    "id" BIGSERIAL NOT NULL,
    "first_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,

    CONSTRAINT "completion_search_backlog_pkey" PRIMARY KEY ("project_id", "id")
);

CREATE INDEX "completion_search_backlog_range_idx" ON "completion_search_backlog" ("project_id", "first_id", "last_id");

-- New completions: one range per project and statement (a bulk batch of
-- thousands of rows adds one small row here).
CREATE FUNCTION completion_search_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO completion_search_backlog (project_id, first_id, last_id)
  SELECT project_id, min(id), max(id) FROM new_rows GROUP BY project_id;
  RETURN NULL;
END $$;

CREATE TRIGGER completion_search_insert AFTER INSERT ON completions
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_search_inserted();

-- A replaced completion text: that completion alone (grading updates change no text and add nothing).
CREATE FUNCTION completion_search_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO completion_search_backlog (project_id, first_id, last_id)
  SELECT n.project_id, n.id, n.id FROM new_rows n JOIN old_rows o ON o.project_id = n.project_id AND o.id = n.id
   WHERE n.text IS DISTINCT FROM o.text;
  RETURN NULL;
END $$;

CREATE TRIGGER completion_search_update AFTER UPDATE ON completions
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_search_updated();

-- Changed customer messages: every completion of the case.
CREATE FUNCTION completion_search_case_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO completion_search_backlog (project_id, first_id, last_id)
  SELECT c.project_id, c.id, c.id
    FROM new_rows n
    JOIN old_rows o ON o.project_id = n.project_id AND o.id = n.id
    JOIN completions c ON c.project_id = n.project_id AND c.case_id = n.id
   WHERE n.messages IS DISTINCT FROM o.messages;
  RETURN NULL;
END $$;

CREATE TRIGGER completion_search_case_update AFTER UPDATE ON cases
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION completion_search_case_updated();

-- TRUNCATE empties completion_search through its foreign key (CASCADE); the backlog goes with it.
CREATE FUNCTION completion_search_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM completion_search_backlog;
  RETURN NULL;
END $$;

CREATE TRIGGER completion_search_truncate AFTER TRUNCATE ON completions
  FOR EACH STATEMENT EXECUTE FUNCTION completion_search_truncated();

-- Completions stored before this migration: all of them wait for the indexer.
INSERT INTO completion_search_backlog (project_id, first_id, last_id)
SELECT project_id, min(id), max(id) FROM completions GROUP BY project_id;
