-- What a person may do (roles, organisations) is read on every request. The portal keeps it
-- in memory and asks only for this number with the session: any change of a role, of a
-- membership or of one of the person's organisations moves it on, in the same transaction,
-- so a cached copy is never used once stale.
ALTER TABLE users ADD COLUMN access_generation BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER roles_access_insert AFTER INSERT ON roles BEGIN
    UPDATE users SET access_generation = access_generation + 1 WHERE id = new.user_id;
END;
CREATE TRIGGER roles_access_update AFTER UPDATE ON roles BEGIN
    UPDATE users SET access_generation = access_generation + 1 WHERE id IN (old.user_id, new.user_id);
END;
CREATE TRIGGER roles_access_delete AFTER DELETE ON roles BEGIN
    UPDATE users SET access_generation = access_generation + 1 WHERE id = old.user_id;
END;
CREATE TRIGGER memberships_access_insert AFTER INSERT ON memberships BEGIN
    UPDATE users SET access_generation = access_generation + 1 WHERE id = new.user_id;
END;
CREATE TRIGGER memberships_access_update AFTER UPDATE ON memberships BEGIN
    UPDATE users SET access_generation = access_generation + 1 WHERE id IN (old.user_id, new.user_id);
END;
CREATE TRIGGER memberships_access_delete AFTER DELETE ON memberships BEGIN
    UPDATE users SET access_generation = access_generation + 1 WHERE id = old.user_id;
END;
CREATE TRIGGER organisations_access AFTER UPDATE ON organisations BEGIN
    UPDATE users SET access_generation = access_generation + 1
     WHERE id IN (SELECT user_id FROM memberships WHERE organisation_id = new.id);
END;
