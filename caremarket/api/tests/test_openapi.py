"""The OpenAPI description is valid for machine clients: every schema has a name of its own."""

from collections import Counter

from ninja import Schema

from caremarket.site.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_schema_names_are_unique():
    assert api.get_openapi_schema()["components"]["schemas"]
    ours = [s for s in _subclasses(Schema) if s.__module__.startswith("caremarket.")]
    clashes = {name: n for name, n in Counter(s.__name__ for s in ours).items() if n > 1}
    assert clashes == {}
