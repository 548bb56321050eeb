"""On PostgreSQL the database itself refuses to change or delete a bitácora entry.

The ORM already refuses (LogEntry.save/delete and its queryset), but a trigger also stops
raw SQL and any future code path. TRUNCATE (used by test flushes) is not affected.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_logentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'La bitácora es de solo adición: registre una corrección (%).', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_logentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_logentry
    FOR EACH ROW EXECUTE FUNCTION accounts_logentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_logentry_append_only ON accounts_logentry;
DROP FUNCTION IF EXISTS accounts_logentry_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
