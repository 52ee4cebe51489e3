DROP TABLE habilitation_shares;
DROP TABLE team_members;
DROP TABLE teams;
