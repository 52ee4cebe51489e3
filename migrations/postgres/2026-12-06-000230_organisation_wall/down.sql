DROP POLICY organisation_wall ON attachments;
ALTER TABLE attachments DISABLE ROW LEVEL SECURITY;
DROP POLICY organisation_wall ON messages;
ALTER TABLE messages DISABLE ROW LEVEL SECURITY;
DROP POLICY organisation_wall ON demandes;
ALTER TABLE demandes DISABLE ROW LEVEL SECURITY;
DROP FUNCTION habilis_acting_organisations();
