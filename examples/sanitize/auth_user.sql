-- Example sanitiser for `ctl db pull` (docs/db.md#sanitising): run on the
-- restored copy, in one transaction, before it is swapped in.
--
-- Every user keeps their id, username pattern and flags; what identifies a
-- person is replaced, and every password is reset to an unusable one
-- (Django's "!" prefix: check_password() is always false). Staff who need
-- to log in locally run `ctl manage local -- changepassword NAME`.

UPDATE auth_user SET
    email      = 'user' || id || '@example.invalid',
    first_name = 'User',
    last_name  = id::text,
    password   = '!' || md5(random()::text);

-- Sessions and admin log entries are left out of dumps by default; be sure
-- anyway, in case database.exclude_table_data or --include-all-data changed it.
TRUNCATE django_session;
DELETE FROM django_admin_log;
