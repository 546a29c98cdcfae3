"""The entity-name search index (design.md §4): contains-search with ≥ 2 characters, index-backed on both databases.

SQLite: an FTS5 table ``lookup_entity_name`` with the trigram tokenizer (rowid = entity id, active entities only)
holding two columns — ``name`` (the NFKC-normalised name: a query of ≥ 3 characters is a trigram phrase) and
``pairs`` (every 2-character substring followed by U+001F: a 2-character query ``xy`` becomes the trigram
``xy\\x1f``, so it is index-backed too; plain FTS5 trigram falls back to a full scan below 3 characters).
The table is written in the same transaction as the entity (``post_save``); the generator's bulk load
bypasses signals, so ``manage.py lookup_index_rebuild`` fills it afterwards.

PostgreSQL: nothing to keep in sync — two partial GIN ``gin_trgm_ops`` indexes on the entity table itself
(``name`` for ≥ 3 characters, ``beian_name_pairs(name)`` for 2), maintained by PostgreSQL. pg_trgm only
makes trigrams of "word" characters as the database's LC_CTYPE classifies them; ``trigram_locale_ok``
checks that Chinese characters count (true for C.UTF-8 and zh_CN.UTF-8, false for the plain C locale).
"""

from __future__ import annotations

import unicodedata

from django.db import connection, transaction

FTS_TABLE = "lookup_entity_name"
SEP = "\x1f"

SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(name, pairs, tokenize='trigram')"
)
SQLITE_DROP = f"DROP TABLE IF EXISTS {FTS_TABLE}"

PG_FUNCTION = r"""
CREATE OR REPLACE FUNCTION beian_name_pairs(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT chr(31) || coalesce(string_agg(substr(t, i, 2), chr(31) ORDER BY i), '') || chr(31)
  FROM generate_series(1, char_length(t) - 1) AS i
$$
"""
PG_INDEXES = {
    "lookup_entity_name_trgm":
        "CREATE INDEX IF NOT EXISTS lookup_entity_name_trgm ON registry_entity "
        "USING gin (name gin_trgm_ops) WHERE status = 'active'",
    "lookup_entity_pairs_trgm":
        "CREATE INDEX IF NOT EXISTS lookup_entity_pairs_trgm ON registry_entity "
        "USING gin (beian_name_pairs(name) gin_trgm_ops) WHERE status = 'active'",
}


def normalize_name(text: str) -> str:
    """NFKC (full-width → half-width), control characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C")
    return " ".join(text.split())


def name_pairs(name: str) -> str:
    """``阿里巴巴`` → ``阿里\\x1f里巴\\x1f巴巴\\x1f`` (the SQLite ``pairs`` column)."""
    return "".join(name[i:i + 2] + SEP for i in range(len(name) - 1))


def fts_query(column: str, text: str) -> str:
    """An FTS5 MATCH expression for ``text`` as one phrase in ``column`` (quotes doubled)."""
    return f'{column} : "' + text.replace('"', '""') + '"'


def trigram_locale_ok() -> bool:
    """PostgreSQL: does pg_trgm make trigrams of Chinese text under this database's locale?"""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT cardinality(show_trgm(%s))", ["备案测试"])
        return cursor.fetchone()[0] > 0


# ---------------------------------------------------------------- writes (SQLite only)


def _sqlite_rows(ids: list[int]) -> list[tuple[int, str, str]]:
    from beian.registry.models import Entity, RecordStatus

    rows = Entity.objects.filter(pk__in=ids, status=RecordStatus.ACTIVE).values_list("pk", "name")
    out = []
    for pk, name in rows:
        norm = normalize_name(name)
        out.append((pk, norm, name_pairs(norm)))
    return out


def name_index_sync(*, entity_ids: list[int]) -> None:
    """Make the index rows of ``entity_ids`` match the entity table (active entities in, others out)."""
    if connection.vendor != "sqlite" or not entity_ids:
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            for start in range(0, len(entity_ids), 500):
                chunk = entity_ids[start:start + 500]
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({','.join('%s' for _ in chunk)})", chunk)
                rows = _sqlite_rows(chunk)
                if rows:
                    cursor.executemany(f"INSERT INTO {FTS_TABLE}(rowid, name, pairs) VALUES (%s, %s, %s)", rows)


def name_index_rebuild(*, batch: int = 50_000, progress=None, drop: bool = False) -> int:
    """Rebuild the whole name index (after a bulk load); returns the number of indexed entities.

    SQLite: empties and refills the FTS5 table in batches. PostgreSQL: drops and re-creates the two GIN
    indexes (one build is much faster than COPY maintaining them row by row); ``drop=True`` only drops them
    (before a bulk load) — lookups by name fall back to scans until the rebuild.
    """
    say = progress or (lambda _line: None)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name in PG_INDEXES:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            if drop:
                return 0
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for name, sql in PG_INDEXES.items():
                say(f"building {name}")
                cursor.execute(sql)
            cursor.execute("ANALYZE registry_entity")
            cursor.execute("SELECT count(*) FROM registry_entity WHERE status = 'active'")
            return cursor.fetchone()[0]
    if connection.vendor != "sqlite":
        return 0
    from beian.registry.models import Entity, RecordStatus

    total = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        if drop:
            return 0
        last = 0
        while True:
            rows = list(Entity.objects.filter(pk__gt=last, status=RecordStatus.ACTIVE).order_by("pk")
                        .values_list("pk", "name")[:batch])
            if not rows:
                break
            data = []
            for pk, name in rows:
                norm = normalize_name(name)
                data.append((pk, norm, name_pairs(norm)))
            with transaction.atomic():
                cursor.executemany(f"INSERT INTO {FTS_TABLE}(rowid, name, pairs) VALUES (%s, %s, %s)", data)
            total += len(rows)
            last = rows[-1][0]
            say(f"{total:,} entities indexed")
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')")
    return total
