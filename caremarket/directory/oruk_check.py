"""A self-check of an Open Referral UK feed, as strict as the official validator (which cannot run here).

Level 1, the basic checks, covers the endpoints the validator requires: `/`, `/services` and `/services/{id}`. Any
error there fails the feed. Level 2, the extended checks, covers the other endpoints and whether the filters
really filter; its errors are warnings, as the validator reports them. For each paged list it reads the first,
a middle and the last page, checks the page envelope says the same as the pages, validates every record against
the UK profile's compiled schemas (formats too), then fetches each listed id and checks it answers with that id.
Null values are errors; fields the schema does not define are warnings. An empty feed fails.

A feed is read through `get(path, params) -> (status, body)`: the live feed over HTTP, this installation's own
in-process, or a folder of mock responses (the validator's own mocks), which answer every query the same.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

SCHEMAS = Path(__file__).resolve().parent / "oruk_schema"

Getter = Callable[[str, dict], tuple[int, object]]


@dataclass
class Message:
    endpoint: str
    text: str
    severity: str  # "error" or "warning"


@dataclass
class Level:
    name: str
    required: bool
    messages: list[Message] = field(default_factory=list)
    tested: list[str] = field(default_factory=list)

    def error(self, endpoint: str, text: str) -> None:
        self.messages.append(Message(endpoint, text, "error"))

    def warn(self, endpoint: str, text: str) -> None:
        self.messages.append(Message(endpoint, text, "warning"))

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]


@dataclass
class Report:
    feed: str
    levels: list[Level]

    @property
    def result(self) -> str:
        """pass, warn or fail, as the validator: Level 1's errors fail; anything else found warns."""
        if any(level.errors for level in self.levels if level.required):
            return "fail"
        if any(level.messages for level in self.levels):
            return "warn"
        return "pass"

    def as_dict(self) -> dict:
        return {
            "feed": self.feed,
            "result": self.result,
            "levels": [
                {
                    "name": level.name,
                    "required": level.required,
                    "endpoints_tested": level.tested,
                    "errors": len(level.errors),
                    "warnings": len(level.messages) - len(level.errors),
                    "messages": [m.__dict__ for m in level.messages],
                }
                for level in self.levels
            ],
        }

    def text(self) -> str:
        lines = [f"Open Referral UK self-check of {self.feed}: {self.result.upper()}"]
        for level in self.levels:
            errors, warnings = len(level.errors), len(level.messages) - len(level.errors)
            if not level.required:  # what Level 2 finds warns; it never fails the feed
                errors, warnings = 0, len(level.messages)
            lines.append(f"{level.name}: {errors} errors, {warnings} warnings ({len(level.tested)} requests)")
            lines += [f"  {m.severity}: {m.endpoint}: {m.text}" for m in level.messages[:200]]
        return "\n".join(lines)


# Schemas ----------------------------------------------------------------------------------------------------------


def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.scheme in ("mailto", "urn", "tel")))


def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return "T" in value.upper()


@cache
def _validator(name: str):
    import jsonschema
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    def retrieve(uri: str) -> Resource:
        contents = json.loads((SCHEMAS / uri.rsplit("/", 1)[-1]).read_text())
        return Resource.from_contents(contents, default_specification=DRAFT202012)

    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    checker = jsonschema.FormatChecker()
    checker.checks("uri")(_uri)
    checker.checks("date-time")(_date_time)
    registry = Registry(retrieve=retrieve)
    return jsonschema.Draft202012Validator(schema, format_checker=checker, registry=registry)


def _where(path) -> str:
    return "/".join(str(p) for p in path) or "(record)"


def _undefined(record: object, schema: dict, path: str = "") -> list[str]:
    """Fields the schema does not define, anywhere in the record."""
    found = []
    if isinstance(record, dict) and "properties" in schema:
        for key, value in record.items():
            sub = schema["properties"].get(key)
            if sub is None:
                found.append(f"{path}{key}")
            else:
                found += _undefined(value, sub, f"{path}{key}/")
    elif isinstance(record, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(record):
            found += _undefined(item, schema["items"], f"{path}{index}/")
    return found


def _nulls(record: object, path: str = "") -> list[str]:
    if record is None:
        return [path.rstrip("/") or "(record)"]
    if isinstance(record, dict):
        return [n for k, v in record.items() for n in _nulls(v, f"{path}{k}/")]
    if isinstance(record, list):
        return [n for i, v in enumerate(record) for n in _nulls(v, f"{path}{i}/")]
    return []


def validate(record: object, schema_name: str, level: Level, endpoint: str) -> bool:
    validator = _validator(schema_name)
    ok = True
    for error in sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path)):
        if error.validator == "type" and error.instance is None:
            continue  # said once below, as a null
        level.error(endpoint, f"{_where(error.absolute_path)}: {error.message}")
        ok = False
    for where in _nulls(record):
        level.error(endpoint, f"{where}: null is not allowed: leave an optional field out instead")
        ok = False
    for where in _undefined(record, validator.schema)[:20]:
        level.warn(endpoint, f"{where}: a field the UK profile does not define")
    return ok


# The envelope -----------------------------------------------------------------------------------------------------

ENVELOPE = {
    "total_items": int,
    "total_pages": int,
    "page_number": int,
    "size": int,
    "first_page": bool,
    "last_page": bool,
    "empty": bool,
    "contents": list,
}


def _envelope(body: object, level: Level, endpoint: str, asked: int) -> bool:
    if not isinstance(body, dict):
        level.error(endpoint, "the answer is not a JSON object with the page envelope")
        return False
    ok = True
    for key, kind in ENVELOPE.items():
        value = body.get(key)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            level.error(endpoint, f"the page envelope's {key} is missing or not a {kind.__name__}")
            ok = False
    if not ok:
        return False
    total, pages, number, size = body["total_items"], body["total_pages"], body["page_number"], body["size"]
    contents = body["contents"]
    said = []
    if number != asked:
        said.append(f"page {asked} was asked for, page_number says {number}")
    if size > 0 and pages != math.ceil(total / size):
        said.append(f"total_pages is {pages}, but {total} items at {size} a page make {math.ceil(total / size)}")
    if body["first_page"] != (number == 1):
        said.append(f"first_page is {body['first_page']} on page {number}")
    if body["last_page"] != (number >= pages):
        said.append(f"last_page is {body['last_page']} on page {number} of {pages}")
    if body["empty"] != (total == 0):
        said.append(f"empty is {body['empty']} with {total} items")
    if len(contents) > max(size, 0):
        said.append(f"{len(contents)} records on a page of {size}")
    expected = max(0, min(size, total - (number - 1) * size)) if size > 0 else len(contents)
    if len(contents) != expected and number == asked:
        said.append(f"page {number} holds {len(contents)} records; {total} items at {size} a page put {expected} there")
    for text in said:
        level.warn(endpoint, f"the page envelope disagrees with itself: {text}")
    return True


# The checks -------------------------------------------------------------------------------------------------------


def _get(get: Getter, level: Level, path: str, params: dict | None = None) -> object | None:
    shown = path + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    level.tested.append(shown)
    try:
        status, body = get(path, params or {})
    except Exception as exc:  # the feed is someone else's: any failure to answer is a finding, not a crash
        level.error(shown, f"no answer: {exc}")
        return None
    if status != 200:
        level.error(shown, f"answered HTTP {status}, not 200")
        return None
    return body


def _list(get: Getter, level: Level, path: str, item_schema: str, params: dict | None = None) -> list[dict]:
    """Read the first, a middle and the last page; validate every record; return the records read."""
    first = _get(get, level, path, params)
    if first is None or not _envelope(first, level, path, 1):
        return []
    records = list(first["contents"])
    pages = first["total_pages"]
    for number in sorted({(pages + 1) // 2, pages} - {1}):
        if number < 1:
            continue
        asked = {**(params or {}), "page": number}
        body = _get(get, level, path, asked)
        if body is not None and _envelope(body, level, f"{path}?page={number}", number):
            records += body["contents"]
    for index, record in enumerate(records):
        validate(record, item_schema, level, f"{path} record {index + 1}")
    return records


def _ids(get: Getter, level: Level, path: str, records: list[dict], schema: str, limit: int) -> None:
    for record in records[:limit]:
        key = record.get("id") if isinstance(record, dict) else None
        if not isinstance(key, str):
            continue
        body = _get(get, level, f"{path}/{key}")
        if body is None:
            continue
        endpoint = f"{path}/{key}"
        validate(body, schema, level, endpoint)
        if isinstance(body, dict) and body.get("id") != key:
            level.error(endpoint, f"asked for {key}, answered with {body.get('id')}")


def check(get: Getter, *, feed: str, fixed: bool = False, ids: int = 25) -> Report:
    """`fixed`: the feed answers every query the same (a folder of mock responses), so whether filters filter
    cannot be seen, and is not judged."""
    one = Level("Level 1: basic checks (the required endpoints; an error fails the feed)", required=True)
    two = Level("Level 2: extended checks (the other endpoints and the filters; errors are warnings)", required=False)

    about = _get(get, one, "/")
    if about is not None:
        if not isinstance(about, dict):
            one.error("/", "the answer is not a JSON object")
        else:
            for key in ("version", "profile", "openapi_url"):
                if not isinstance(about.get(key), str) or not about.get(key):
                    one.error("/", f"{key} is missing")
            for key in ("profile", "openapi_url"):
                if isinstance(about.get(key), str) and not _uri(about[key]):
                    one.error("/", f"{key} is not a web address: {about[key]}")
            if isinstance(about.get("version"), str) and not about["version"].startswith("HSDS-UK-3"):
                one.error("/", f"version {about['version']} is not HSDS-UK 3.0")

    services = _list(get, one, "/services", "service_list")
    if about is not None and not services and not one.errors:
        one.error("/services", "the feed has no services: an empty feed fails")
    _ids(get, one, "/services", services, "service", ids)

    terms = _list(get, two, "/taxonomies", "taxonomy")
    _ids(get, two, "/taxonomies", terms, "taxonomy", ids)
    terms = _list(get, two, "/taxonomy_terms", "taxonomy_term")
    _ids(get, two, "/taxonomy_terms", terms, "taxonomy_term", ids)
    places = _list(get, two, "/service_at_locations", "service_at_location_list")
    _ids(get, two, "/service_at_locations", places, "service_at_location", ids)

    if not fixed and services:
        _filters(get, two, services, terms, places)
    return Report(feed, [one, two])


def _ids_of(body) -> set[str] | None:
    if not isinstance(body, dict) or not isinstance(body.get("contents"), list):
        return None
    return {r.get("id") for r in body["contents"] if isinstance(r, dict)}


def _filters(get: Getter, level: Level, services: list[dict], terms: list[dict], places: list[dict]) -> None:
    """Each filter, asked with a value the first service meets, must return that service and only services that
    meet it; asked with a value nothing meets, it must return nothing."""
    probe = services[0]
    every = {"per_page": 200}

    def asked(params: dict, path: str = "/services"):
        return _get(get, level, path, {**params, **every})

    word = next((w for w in str(probe.get("name", "")).split() if len(w) > 3), None)
    if word:
        body = asked({"search": word})
        got = _ids_of(body)
        if got is not None and probe["id"] not in got:
            level.error("/services?search", f"searching for '{word}' leaves out '{probe.get('name')}'")
        body = asked({"search": "zzqxjv-nothing-has-this"})
        if _ids_of(body):
            level.error("/services?search", "a search for a word no service has still returns services")
    for name, key, keep in (
        ("minimum_age", "minimum_age", lambda s, v: s.get("minimum_age") is not None and s["minimum_age"] >= v),
        ("maximum_age", "maximum_age", lambda s, v: s.get("maximum_age") is not None and s["maximum_age"] <= v),
    ):
        if probe.get(key) is None:
            continue
        body = asked({name: probe[key]})
        if isinstance(body, dict) and isinstance(body.get("contents"), list):
            got = {r.get("id") for r in body["contents"]}
            if probe["id"] not in got:
                level.error(f"/services?{name}", f"{name}={probe[key]} leaves out a service that meets it")
            wrong = [r.get("id") for r in body["contents"] if not keep(r, probe[key])]
            if wrong:
                level.error(
                    f"/services?{name}", f"{name}={probe[key]} returns {len(wrong)} services that do not meet it"
                )
    if terms:
        term = terms[0].get("id")
        body = asked({"taxonomy_term_id": term})
        if isinstance(body, dict) and body.get("total_items", 0) == len(services) and len(terms) > 1:
            other = asked({"taxonomy_term_id": terms[-1].get("id")})
            if _ids_of(body) == _ids_of(other) and _ids_of(body):
                level.warn("/services?taxonomy_term_id", "two different taxonomy terms return the same services")
        body = asked({"taxonomy_term_id": "00000000-0000-4000-8000-000000000000"})
        if _ids_of(body):
            level.error("/services?taxonomy_term_id", "a taxonomy term that does not exist still returns services")
    after = asked({"modified_after": "2999-01-01T00:00:00Z"})
    if _ids_of(after):
        level.error("/services?modified_after", "services modified after the year 2999 are returned")
    located = places[0] if places and isinstance(places[0], dict) else None
    postcode = ""
    if located is not None and isinstance(located.get("id"), str):
        postcode = _postcode_of(_get(get, level, f"/service_at_locations/{located['id']}") or {})
    if postcode:
        body = asked({"postcode": postcode, "proximity": 1000}, "/service_at_locations")
        got = _ids_of(body)
        if got is not None and located["id"] not in got:
            level.error("/service_at_locations?postcode", f"a place at {postcode} is not within 1 km of {postcode}")


def _postcode_of(place: dict) -> str:
    location = place.get("location") if isinstance(place, dict) else None
    for address in (location or {}).get("addresses") or []:
        if isinstance(address, dict) and address.get("postal_code"):
            return address["postal_code"]
    return ""


# Feeds ------------------------------------------------------------------------------------------------------------

MOCK_FILES = {
    "/": "api_details.json",
    "/services": "service_list.json",
    "/services/": "service_full.json",
    "/taxonomies": "taxonomy_list.json",
    "/taxonomies/": "taxonomy.json",
    "/taxonomy_terms": "taxonomy_term_list.json",
    "/taxonomy_terms/": "taxonomy_term.json",
    "/service_at_locations": "service_at_location_list.json",
    "/service_at_locations/": "service_at_location_full.json",
}


def mock_feed(folder: Path) -> Getter:
    """A folder of the validator's mock responses: one file per endpoint, the same answer to every query."""

    def get(path: str, params: dict) -> tuple[int, object]:
        key = path if path in MOCK_FILES else path.rsplit("/", 1)[0] + "/"
        name = MOCK_FILES.get(key)
        if name is None or not (folder / name).exists():
            return 404, None
        return 200, json.loads((folder / name).read_text())

    return get


def http_feed(base: str, *, timeout: float = 20) -> Getter:
    import urllib.error
    import urllib.parse
    import urllib.request

    def get(path: str, params: dict) -> tuple[int, object]:
        url = base.rstrip("/") + ("" if path == "/" else path) + ("/" if path == "/" else "")
        if params:
            url += "?" + urllib.parse.urlencode(params)
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"{base} is not a web address")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (checked above)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (the council's own feed)
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, None

    return get


def own_feed() -> Getter:
    """This installation's feed, asked in-process: the feed's own views, called without the network and without
    the request signals a test client sends (which would close the caller's database connection)."""
    from django.conf import settings
    from django.test import RequestFactory
    from django.urls import resolve

    host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h and not h.startswith(".")), "localhost")
    factory = RequestFactory(SERVER_NAME=host, HTTP_HOST=host)

    def get(path: str, params: dict) -> tuple[int, object]:
        url = "/openreferral" + path
        match = resolve(url)
        answer = match.func(factory.get(url, params), *match.args, **match.kwargs)
        return answer.status_code, json.loads(answer.content) if answer.status_code == 200 else None

    return get
