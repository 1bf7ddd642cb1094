-- One version per project instead of a cache notification channel and a global
-- revision counter. The API server reads every request's key together with its
-- project's row (scope, revocation, name, rewards, taxonomy_version) in a query
-- that starts after the request arrived, so key and reward changes need no
-- signal at all. Only the taxonomy (the set of intent ids) is kept in memory
-- between requests, tagged with taxonomy_version, and reloaded when the version
-- read with the key differs.
--
-- The bump runs in deferred constraint triggers, at commit: the projects row
-- lock is the last lock a taxonomy write takes, so two transactions changing
-- intents of one project never wait on each other in a cycle. Writers of
-- different projects never share a lock. Foreign keys to projects take KEY
-- SHARE locks, which a bump (a non-key column) does not block.

-- The notification triggers (20261128000000_cache_notifications).
DROP TRIGGER api_keys_notify_cache ON api_keys;
DROP TRIGGER api_keys_notify_cache_delete ON api_keys;
DROP TRIGGER projects_notify_cache ON projects;
DROP TRIGGER projects_notify_cache_delete ON projects;
DROP TRIGGER intents_notify_cache ON intents;
DROP TRIGGER intents_notify_cache_update ON intents;
DROP FUNCTION ib_notify_cache();

-- The global revision (20261201000000_cache_revision).
DROP TRIGGER api_keys_bump_cache_revision ON api_keys;
DROP TRIGGER api_keys_bump_cache_revision_delete ON api_keys;
DROP TRIGGER projects_bump_cache_revision ON projects;
DROP TRIGGER projects_bump_cache_revision_delete ON projects;
DROP TRIGGER intents_bump_cache_revision ON intents;
DROP TRIGGER intents_bump_cache_revision_update ON intents;
DROP FUNCTION ib_bump_cache_revision();
DROP TABLE cache_revision;

ALTER TABLE "projects" ADD COLUMN "taxonomy_version" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION ib_bump_taxonomy_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE projects SET taxonomy_version = taxonomy_version + 1 WHERE id = OLD.project_id;
  END IF;
  IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.project_id IS DISTINCT FROM OLD.project_id) THEN
    UPDATE projects SET taxonomy_version = taxonomy_version + 1 WHERE id = NEW.project_id;
  END IF;
  RETURN NULL;
END;
$$;

-- A new, removed or renamed intent; a new label, description or guideline
-- version leaves the set of ids (all the feedback grader uses) as it was.
CREATE CONSTRAINT TRIGGER intents_bump_taxonomy_version AFTER INSERT OR DELETE ON intents DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION ib_bump_taxonomy_version();
CREATE CONSTRAINT TRIGGER intents_bump_taxonomy_version_update AFTER UPDATE ON intents DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.project_id, OLD.id) IS DISTINCT FROM (NEW.project_id, NEW.id))
  EXECUTE FUNCTION ib_bump_taxonomy_version();
