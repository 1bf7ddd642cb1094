-- A revision number for the API server's caches, bumped by every change that
-- the cache notifications announce, in the changing transaction. Notifications
-- reach the server a moment after the change commits; a cached key or grading
-- context is only used after a read of this number that started after the
-- request arrived, so a change committed before a request is never missed (a
-- revoked key gets 401 on the very next request). Concurrent requests share
-- one read.
--
-- The bump runs in deferred constraint triggers, at commit: the row lock on the
-- counter is the last lock a transaction takes, so two transactions changing
-- the same intents never wait on each other in a cycle.

CREATE TABLE cache_revision (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  n bigint NOT NULL
);
INSERT INTO cache_revision (n) VALUES (0);

CREATE FUNCTION ib_bump_cache_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE cache_revision SET n = n + 1;
  RETURN NULL;
END;
$$;

-- The same rows and conditions as the notification triggers of 20261128000000_cache_notifications.
CREATE CONSTRAINT TRIGGER api_keys_bump_cache_revision AFTER UPDATE ON api_keys DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.project_id, OLD.scope, OLD.prefix, OLD.secret_hash, OLD.revoked_at) IS DISTINCT FROM (NEW.project_id, NEW.scope, NEW.prefix, NEW.secret_hash, NEW.revoked_at))
  EXECUTE FUNCTION ib_bump_cache_revision();
CREATE CONSTRAINT TRIGGER api_keys_bump_cache_revision_delete AFTER DELETE ON api_keys DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION ib_bump_cache_revision();
CREATE CONSTRAINT TRIGGER projects_bump_cache_revision AFTER UPDATE ON projects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.name, OLD.reward_correct, OLD.reward_wrong, OLD.reward_format_error) IS DISTINCT FROM (NEW.name, NEW.reward_correct, NEW.reward_wrong, NEW.reward_format_error))
  EXECUTE FUNCTION ib_bump_cache_revision();
CREATE CONSTRAINT TRIGGER projects_bump_cache_revision_delete AFTER DELETE ON projects DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION ib_bump_cache_revision();
CREATE CONSTRAINT TRIGGER intents_bump_cache_revision AFTER INSERT OR DELETE ON intents DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  EXECUTE FUNCTION ib_bump_cache_revision();
CREATE CONSTRAINT TRIGGER intents_bump_cache_revision_update AFTER UPDATE ON intents DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN ((OLD.project_id, OLD.id) IS DISTINCT FROM (NEW.project_id, NEW.id))
  EXECUTE FUNCTION ib_bump_cache_revision();
