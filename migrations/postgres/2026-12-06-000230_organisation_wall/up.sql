-- A second wall behind the application's own filter: on the applicant side, the portal sets
-- the organisations the person acts for (`habilis.organisations`, a comma-separated list of
-- ids, for the transaction alone); demandes of other organisations, and their messages and
-- files, are then invisible to any query, whatever its WHERE. Unset (the instruction side,
-- the worker), the rows are read as before. Applies to the portal's role (habilis_portal);
-- the tables' owner and superusers are not subject to it.
CREATE FUNCTION habilis_acting_organisations() RETURNS bigint[] LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN coalesce(current_setting('habilis.organisations', true), '') = '' THEN NULL
    ELSE string_to_array(current_setting('habilis.organisations', true), ',')::bigint[]
  END
$$;

ALTER TABLE demandes ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_wall ON demandes
  USING (habilis_acting_organisations() IS NULL
         OR organisation_id = ANY (habilis_acting_organisations()));

-- Through the demande: its own policy decides.
ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_wall ON messages
  USING (habilis_acting_organisations() IS NULL
         OR EXISTS (SELECT 1 FROM demandes d WHERE d.id = messages.demande_id));

ALTER TABLE attachments ENABLE ROW LEVEL SECURITY;
CREATE POLICY organisation_wall ON attachments
  USING (habilis_acting_organisations() IS NULL
         OR EXISTS (SELECT 1 FROM demandes d WHERE d.id = attachments.demande_id));

GRANT EXECUTE ON FUNCTION habilis_acting_organisations() TO habilis_portal;
