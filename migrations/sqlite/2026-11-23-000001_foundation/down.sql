DROP TABLE habilitations;
DROP TABLE events;
DROP TABLE demandes;
DROP TABLE roles;
DROP TABLE memberships;
DROP TABLE organisations;
DROP TABLE users;
