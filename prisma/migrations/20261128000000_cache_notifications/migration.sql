-- The API server caches verified keys and each project's grading context
-- (taxonomy, rewards) in memory and drops them when told to on the channel
-- `ib_cache`. The NOTIFY is sent by these triggers, inside the transaction that
-- makes the change, so it is delivered when (and only if) the change commits,
-- and whoever changes the rows (API, CLI, SQL by hand) cannot forget it.
-- Payloads: 'key:<project id>' (a key of the project changed) and
-- 'project:<project id>' (its name, rewards or taxonomy changed). PostgreSQL
-- sends identical payloads of one transaction once, so a 500-intent upsert
-- is one notification.

CREATE FUNCTION ib_notify_cache() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kind text := CASE WHEN TG_TABLE_NAME = 'api_keys' THEN 'key' ELSE 'project' END;
  old_project integer;
  new_project integer;
BEGIN
  IF TG_TABLE_NAME = 'projects' THEN
    IF TG_OP <> 'INSERT' THEN old_project := OLD.id; END IF;
    IF TG_OP <> 'DELETE' THEN new_project := NEW.id; END IF;
  ELSE
    IF TG_OP <> 'INSERT' THEN old_project := OLD.project_id; END IF;
    IF TG_OP <> 'DELETE' THEN new_project := NEW.project_id; END IF;
  END IF;
  IF old_project IS NOT NULL THEN PERFORM pg_notify('ib_cache', kind || ':' || old_project); END IF;
  IF new_project IS NOT NULL AND new_project IS DISTINCT FROM old_project THEN PERFORM pg_notify('ib_cache', kind || ':' || new_project); END IF;
  RETURN NULL;
END;
$$;

-- Keys: a new key needs no notification (nothing is cached for it yet); a
-- revoked, re-scoped, moved or deleted one does. last_used_at changes about
-- once a minute per key in use and must not empty the cache.
CREATE TRIGGER api_keys_notify_cache AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN ((OLD.project_id, OLD.scope, OLD.prefix, OLD.secret_hash, OLD.revoked_at) IS DISTINCT FROM (NEW.project_id, NEW.scope, NEW.prefix, NEW.secret_hash, NEW.revoked_at))
  EXECUTE FUNCTION ib_notify_cache();
CREATE TRIGGER api_keys_notify_cache_delete AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION ib_notify_cache();

-- Projects: rewards, name (a verified key carries its project's name), or the project itself.
CREATE TRIGGER projects_notify_cache AFTER UPDATE ON projects FOR EACH ROW
  WHEN ((OLD.name, OLD.reward_correct, OLD.reward_wrong, OLD.reward_format_error) IS DISTINCT FROM (NEW.name, NEW.reward_correct, NEW.reward_wrong, NEW.reward_format_error))
  EXECUTE FUNCTION ib_notify_cache();
CREATE TRIGGER projects_notify_cache_delete AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION ib_notify_cache();

-- Taxonomy: the set of a project's intent ids.
CREATE TRIGGER intents_notify_cache AFTER INSERT OR DELETE ON intents FOR EACH ROW EXECUTE FUNCTION ib_notify_cache();
CREATE TRIGGER intents_notify_cache_update AFTER UPDATE ON intents FOR EACH ROW
  WHEN ((OLD.project_id, OLD.id) IS DISTINCT FROM (NEW.project_id, NEW.id))
  EXECUTE FUNCTION ib_notify_cache();
