"""The entity-name search index, per database vendor (beian/lookup/search_index.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from beian.lookup import search_index as si

    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(si.SQLITE_CREATE)
            cursor.execute("SELECT id, name FROM registry_entity WHERE status = 'active'")
            data = []
            for pk, name in cursor.fetchall():
                norm = si.normalize_name(name)
                data.append((pk, norm, si.name_pairs(norm)))
            cursor.executemany(f"INSERT INTO {si.FTS_TABLE}(rowid, name, pairs) VALUES (%s, %s, %s)", data)
        elif conn.vendor == "postgresql":
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(si.PG_FUNCTION)
            for sql in si.PG_INDEXES.values():
                cursor.execute(sql)


def backwards(apps, schema_editor):
    from beian.lookup import search_index as si

    conn = schema_editor.connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute(si.SQLITE_DROP)
        elif conn.vendor == "postgresql":
            for name in si.PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute("DROP FUNCTION IF EXISTS beian_name_pairs(text)")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_staffviewlog")]

    operations = [migrations.RunPython(forwards, backwards)]
