-- What a person may do (roles, organisations) is read on every request. The portal keeps it
-- in memory and asks only for this number with the session: any change of a role, of a
-- membership or of one of the person's organisations moves it on, in the same transaction,
-- so a cached copy is never used once stale.
ALTER TABLE users ADD COLUMN access_generation BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION users_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'organisations' THEN
        UPDATE users SET access_generation = access_generation + 1
         WHERE id IN (SELECT user_id FROM memberships WHERE organisation_id = NEW.id);
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE users SET access_generation = access_generation + 1 WHERE id = OLD.user_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE users SET access_generation = access_generation + 1 WHERE id = NEW.user_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER roles_access AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH ROW EXECUTE FUNCTION users_access_changed();
CREATE TRIGGER memberships_access AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION users_access_changed();
CREATE TRIGGER organisations_access AFTER UPDATE ON organisations
    FOR EACH ROW EXECUTE FUNCTION users_access_changed();
