-- Run once by the postgres image on an empty data directory (docker-entrypoint-initdb.d),
-- as the superuser, in the database "desk". CORE-5: the application never connects as the
-- owner of the tables nor as a superuser, so it cannot truncate the audit trail, change or
-- delete its rows, or disable its triggers.
--   desk_owner  owns the database and its tables; only the one-shot `migrate` service uses it
--   desk_app    web, worker and beat; privileges from `manage.py grant_app_role desk_app`
-- Passwords come from the environment (psql's \getenv).
\getenv owner_password DESK_OWNER_PASSWORD
\getenv app_password DESK_APP_PASSWORD

CREATE ROLE desk_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE desk_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';

ALTER DATABASE desk OWNER TO desk_owner;
REVOKE ALL ON DATABASE desk FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE desk TO desk_app;

-- PostgreSQL 15: schema public belongs to pg_database_owner (now desk_owner) and PUBLIC
-- may not create in it; said again for older servers.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO desk_app;

-- Tables and sequences the owner creates get the application's grants at once; the
-- migrate service then runs `grant_app_role desk_app`, which narrows the audit table to
-- SELECT and INSERT (and re-applies everything after each migration).
ALTER DEFAULT PRIVILEGES FOR ROLE desk_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO desk_app;
ALTER DEFAULT PRIVILEGES FOR ROLE desk_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO desk_app;
