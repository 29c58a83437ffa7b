-- Restore validation bootstrap (HIPAA 164.308(a)(7)(ii)(D) testing of backup and restore).
--
-- Run ONCE per deployment by a DBA, as the master user (crm_admin), in the application database, over
-- verified TLS, e.g.:
--   psql "host=<endpoint> port=5433 dbname=<databaseName> user=crm_admin sslmode=verify-full \
--         sslrootcert=<RDS global bundle>" -v ON_ERROR_STOP=1 -f db/bootstrap-restore-validation.sql
-- Idempotent: running it again changes nothing and repairs missing grants.
--
-- Creates:
--   hipaa_ops.restore_canary  one row every few minutes from the integrity canary; each restored copy
--                             proves with its newest row that it is intact and how fresh it is.
--   hipaa_canary              IAM-authenticated (rds_iam, no password): INSERT into the canary table only.
--   restore_validator         IAM-authenticated (rds_iam, no password), read-only sessions: SELECT on the
--                             canary table; the DBA adds the application tables (step 5).
-- Names must match lambda/shared/restore-validation-contract.ts.
--
-- The roles exist in every restored copy too (backups are of the whole instance), which is where the
-- validator uses its role. IAM policy decides who may obtain tokens for them (rds-db:connect).

\set ON_ERROR_STOP on
BEGIN;

-- 1. Schema, owned by the master user; nobody else may create objects in it.
CREATE SCHEMA IF NOT EXISTS hipaa_ops;
REVOKE ALL ON SCHEMA hipaa_ops FROM PUBLIC;

-- 2. Canary table. written_at is the server's clock (the canary truncates it to milliseconds);
--    sha256 = hex sha256 of written_at as ISO-8601 UTC with milliseconds followed by the nonce.
CREATE TABLE IF NOT EXISTS hipaa_ops.restore_canary (
  id         bigserial   PRIMARY KEY,
  written_at timestamptz NOT NULL DEFAULT now(),
  nonce      text        NOT NULL CHECK (nonce ~ '^[0-9a-f]{32}$'),
  sha256     text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$')
);
-- The validator reads only the newest row.
CREATE INDEX IF NOT EXISTS restore_canary_newest_idx ON hipaa_ops.restore_canary (written_at DESC, id DESC);
REVOKE ALL ON hipaa_ops.restore_canary FROM PUBLIC;

-- 3. Roles: LOGIN without a password. Membership in rds_iam makes RDS accept IAM tokens only, so no
--    password can ever be set that works. Connection limits keep a misbehaving function small.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hipaa_canary') THEN
    CREATE ROLE hipaa_canary LOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'restore_validator') THEN
    CREATE ROLE restore_validator LOGIN;
  END IF;
END
$$;
-- SUPERUSER, REPLICATION and BYPASSRLS are off by default and left unnamed: on RDS the master user is
-- not a superuser, and PostgreSQL refuses even to restate those attributes for it.
ALTER ROLE hipaa_canary WITH LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT 3 PASSWORD NULL;
ALTER ROLE restore_validator WITH LOGIN NOCREATEDB NOCREATEROLE CONNECTION LIMIT 5 PASSWORD NULL;
GRANT rds_iam TO hipaa_canary;
GRANT rds_iam TO restore_validator;
-- Short statements only. The validator's sessions start read-only, so its statements cannot write even
-- if a grant is added by mistake; a session could lift that default itself, so the grants below stay
-- the boundary (test/db/bootstrap-restore-validation.test.ts shows both).
ALTER ROLE hipaa_canary SET statement_timeout = '5s';
ALTER ROLE restore_validator SET statement_timeout = '30s';
ALTER ROLE restore_validator SET default_transaction_read_only = on;

-- CONNECT is granted to PUBLIC by default, but hardened databases revoke it.
DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO hipaa_canary, restore_validator', current_database());
END
$$;

-- 4. Privileges: the canary may add rows (and draw ids) and nothing else: no SELECT, UPDATE or DELETE,
--    so it can neither read nor rewrite the history the validator relies on. The validator may read.
GRANT USAGE ON SCHEMA hipaa_ops TO hipaa_canary, restore_validator;
GRANT INSERT ON hipaa_ops.restore_canary TO hipaa_canary;
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SEQUENCE %s TO hipaa_canary', pg_get_serial_sequence('hipaa_ops.restore_canary', 'id'));
END
$$;
GRANT SELECT ON hipaa_ops.restore_canary TO restore_validator;

COMMIT;

-- 5. Application tables (config backup.restoreTesting.expectedTables; the validator runs
--    `SELECT 1 FROM <schema>.<table> LIMIT 1` on each). Run once per table, after the application's
--    migrations created it. Grant SELECT on ONE non-PHI column (e.g. the surrogate key): PostgreSQL
--    lets `SELECT 1 FROM t` run with SELECT on any one column, so the validator never gets to read
--    PHI columns. For example:
--
--   GRANT USAGE ON SCHEMA crm TO restore_validator;
--   GRANT SELECT (id) ON crm.patients TO restore_validator;
--
-- Housekeeping (optional, master user): the canary adds ~35,000 small rows a year at a 15-minute
-- interval. To trim, keep at least as long as the backups are kept, e.g.
--   DELETE FROM hipaa_ops.restore_canary WHERE written_at < now() - interval '400 days';
