"""Many rows written with one prepared INSERT executed for all of them: the ORM's bulk_create spends most of its time
building each row's SQL in Python (nine tenths of importing 40,000 months), which a summary table of plain values
does not need. For rows without signals, defaults to compute or relations to follow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models.constants import OnConflict


def insert_many(
    model, fields: Sequence[str], rows: Iterable[Sequence], *, batch: int = 5000, ignore_conflicts: bool = False
) -> int:
    """Insert `rows` (values in the order of `fields`, ready for the database) into `model`'s table, leaving out
    those a unique constraint refuses if `ignore_conflicts`; how many were sent."""
    ops = connection.ops
    on_conflict = OnConflict.IGNORE if ignore_conflicts else None
    quote = ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    suffix = ops.on_conflict_suffix_sql([], on_conflict, None, None) if on_conflict else ""
    # names from the model, quoted; values always parameters
    sql = f"{ops.insert_statement(on_conflict=on_conflict)} {quote(model._meta.db_table)} ({columns}) VALUES ({marks}) {suffix}"  # noqa: S608, E501
    # each value as its field prepares it for this database (SQLite takes dates and times as text)
    prepare = [model._meta.get_field(f).get_db_prep_save for f in fields]
    done, chunk = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(tuple(p(v, connection) for p, v in zip(prepare, row, strict=True)))
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                done, chunk = done + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            done += len(chunk)
    return done
