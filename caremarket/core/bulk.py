"""Many rows written with one prepared INSERT executed for all of them: the ORM's bulk_create spends most of its time
building each row's SQL in Python (nine tenths of importing 40,000 months), which a summary table of plain values
does not need. For rows without signals, defaults to compute or relations to follow."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def insert_many(model, fields: Sequence[str], rows: Iterable[Sequence], *, batch: int = 5000) -> int:
    """Insert `rows` (values in the order of `fields`, ready for the database) into `model`'s table; how many."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    # names from the model, quoted; values always parameters
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    done, chunk = 0, []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(tuple(row))
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                done, chunk = done + len(chunk), []
        if chunk:
            cursor.executemany(sql, chunk)
            done += len(chunk)
    return done
