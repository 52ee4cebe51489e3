-- A habilitation is shared once with a team or an agent, even when two clicks race.
CREATE UNIQUE INDEX habilitation_shares_once_per_team ON habilitation_shares (habilitation_id, team_id) WHERE team_id IS NOT NULL;
CREATE UNIQUE INDEX habilitation_shares_once_per_agent ON habilitation_shares (habilitation_id, user_id) WHERE user_id IS NOT NULL;
