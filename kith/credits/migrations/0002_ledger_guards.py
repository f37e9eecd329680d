"""The database itself guards the ledger (see docs/adr/0008-credit-ledger.md).

Both databases refuse any UPDATE of a transfer or an entry.

PostgreSQL also refuses deleting a transfer or an entry row by row (TRUNCATE,
which only empties whole tables and is how test databases are flushed, is
not a row delete and still works), and refuses any INSERT statement whose
entries for a transfer do not sum to zero.

SQLite flushes test databases with ``DELETE FROM``, row by row, and a row
trigger cannot tell that from a stray delete, so there deletes are refused by
the application only (the models, their querysets, and PROTECT foreign keys).
SQLite has no statement triggers, so balancing is checked by the service.
"""

from django.db import migrations

SQLITE_UP = [
    """
    CREATE TRIGGER credits_entry_no_update BEFORE UPDATE ON credits_entry
    BEGIN SELECT RAISE(ABORT, 'credit entries are never changed'); END;
    """,
    """
    CREATE TRIGGER credits_transfer_no_update BEFORE UPDATE ON credits_transfer
    BEGIN SELECT RAISE(ABORT, 'credit transfers are never changed'); END;
    """,
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS credits_entry_no_update;",
    "DROP TRIGGER IF EXISTS credits_transfer_no_update;",
]
POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION credits_refuse_change() RETURNS trigger AS $$
    BEGIN
      RAISE EXCEPTION 'the credit ledger is never changed (% on %)', TG_OP, TG_TABLE_NAME;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER credits_entry_no_change BEFORE UPDATE OR DELETE ON credits_entry
    FOR EACH ROW EXECUTE FUNCTION credits_refuse_change();
    """,
    """
    CREATE TRIGGER credits_transfer_no_change BEFORE UPDATE OR DELETE ON credits_transfer
    FOR EACH ROW EXECUTE FUNCTION credits_refuse_change();
    """,
    """
    CREATE OR REPLACE FUNCTION credits_entries_balanced() RETURNS trigger AS $$
    DECLARE unbalanced bigint;
    BEGIN
      SELECT transfer_id INTO unbalanced FROM credits_new_entries
      GROUP BY transfer_id HAVING sum(minutes) <> 0 LIMIT 1;
      IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'credit transfer % does not balance', unbalanced;
      END IF;
      RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER credits_entry_balanced AFTER INSERT ON credits_entry
    REFERENCING NEW TABLE AS credits_new_entries
    FOR EACH STATEMENT EXECUTE FUNCTION credits_entries_balanced();
    """,
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS credits_entry_balanced ON credits_entry;",
    "DROP TRIGGER IF EXISTS credits_entry_no_change ON credits_entry;",
    "DROP TRIGGER IF EXISTS credits_transfer_no_change ON credits_transfer;",
    "DROP FUNCTION IF EXISTS credits_entries_balanced();",
    "DROP FUNCTION IF EXISTS credits_refuse_change();",
]


def _run(schema_editor, by_vendor):
    for sql in by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params=None)


def forwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP})


def backwards(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN})


class Migration(migrations.Migration):
    dependencies = [("credits", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
