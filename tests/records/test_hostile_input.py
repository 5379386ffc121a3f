"""Every URL pattern and every API operation, fed hostile numbers, nulls and wrong types: only 4xx, never 500.

The web walk opens each page (with a real id, then with ids past 2^63 in the path), adds hostile values for
every query parameter the pages read, and posts hostile values into every field the page's forms carry.
The API walk reads the OpenAPI schema: hostile path and query parameters, and bodies whose every property is
a huge number, a float, null, a list, an object or text. Issue 11, item 8.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from hoptac.records.models import ApiToken
from tests.records.test_access_matrix import Site, client_for, page_matrix, site

__all__ = ["site"]

HUGE = ("18446744073709551616", "9223372036854775808", "99999999999999999999999999")
HOSTILE = (*HUGE, "-9223372036854775809", "1e20", "nan", "-1", "0", "", "31/12/9999", "9999-12-31", "[]")
QUERY_KEYS = (
    "page", "agency", "partner", "plan", "year", "status", "office", "document", "user", "start", "end",
    "object_id", "model", "action", "q", "kind", "missing", "unreviewed", "limit", "offset", "task",
    "occurrence", "reviewed", "country",
)  # fmt: skip
JSON_HOSTILE: tuple[Any, ...] = (2**64, -(2**64), 1e20, 1e308, None, "x" * 3, [2**64], {"a": 1}, True, "9999-12-31")
FIELD = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _routes(patterns: list[Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace != "api":
                out += _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            out.append((p.name, prefix + str(p.pattern)))
    return out


def _request(client: Client, method: str, url: str, *args: Any, **kwargs: Any) -> int:
    try:
        return int(getattr(client, method)(url, *args, **kwargs).status_code)
    except Exception as exc:  # noqa: BLE001 - the test client raises what the view raised: that is a 500
        return 500 if not isinstance(exc, AssertionError) else 599


@pytest.mark.parametrize("persona", ["officer", "national"])
def test_web_pages_refuse_hostile_input_with_4xx(site: Site, persona: str) -> None:
    client = client_for(site, persona)
    failures: list[str] = []
    urls = {name: url for name, (url, _table) in page_matrix(site).items() if name != "logout"}
    # ids past what a database column holds, in every path that takes one
    for name, route in _routes(get_resolver().url_patterns):
        for value in HUGE:
            url = "/" + re.sub(r"<(?:int|str):\w+>", value, route)
            if (status := _request(client, "get", url)) >= 500:
                failures.append(f"GET {url} ({name}) → {status}")
    for name, url in urls.items():
        page = client.get(url)
        html = page.content.decode("utf-8", "replace") if page.status_code == 200 and not page.streaming else ""
        fields = sorted(set(FIELD.findall(html)))
        fields = [f for f in fields if f != "csrfmiddlewaretoken"]
        base = url.split("?")[0]
        for value in HOSTILE:
            query = "&".join(f"{k}={value}" for k in QUERY_KEYS)
            if (status := _request(client, "get", f"{base}?{query}")) >= 500:
                failures.append(f"GET {base}?…={value!r} ({name}) → {status}")
            if fields and name not in ("logout", "set_language", "login"):
                data = {f: value for f in fields}
                if (status := _request(client, "post", url, data)) >= 500:
                    failures.append(f"POST {url} {value!r} ({name}) → {status}")
                listed = {f: [value, value] for f in fields}
                if (status := _request(client, "post", url, listed)) >= 500:
                    failures.append(f"POST {url} lists of {value!r} ({name}) → {status}")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"


def _bodies(schema: dict[str, Any], op: dict[str, Any]) -> list[Any]:
    ref = (((op.get("requestBody") or {}).get("content") or {}).get("application/json") or {}).get("schema")
    if not ref:
        return []
    props = schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[-1]].get("properties", {})
    bodies: list[Any] = [None, [], "x", 2**64]
    for value in JSON_HOSTILE:
        bodies.append(dict.fromkeys(props, value))
        for name in props:
            bodies.append({name: value})
    return bodies


@pytest.mark.parametrize("persona", ["officer", "national", "reporter"])
def test_api_refuses_hostile_input_with_4xx(site: Site, persona: str) -> None:
    client = Client()
    key = ApiToken.issue(site.users[persona]).key
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    schema = client.get("/api/openapi.json").json()
    failures: list[str] = []
    occurrence = site.world.task_led_by(site.world.sngv).occurrences.first()
    agreement = site.world.doc.plan.agreement_id
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            query_names = [p["name"] for p in params if p["in"] == "query"]
            real = path.replace("{pk}", str(occurrence.pk if "occurrences" in path else agreement))
            for value in HOSTILE:
                url = path.replace("{pk}", value or "0")
                query = "&".join(f"{k}={value}" for k in query_names)
                for target in (url, f"{real}?{query}" if query else None):
                    if target is None:
                        continue
                    args: tuple[Any, ...] = ()
                    kwargs: dict[str, Any] = dict(headers)
                    if method in ("post", "patch", "put"):
                        args, kwargs["content_type"] = ("{}",), "application/json"
                    if (status := _request(client, method, target, *args, **kwargs)) >= 500:
                        failures.append(f"{method.upper()} {target} → {status}")
            for body in _bodies(schema, op):
                status = _request(client, method, real, json.dumps(body), content_type="application/json", **headers)
                if status >= 500:
                    failures.append(f"{method.upper()} {real} {json.dumps(body)[:80]} → {status}")
    assert not failures, "\n".join(failures[:40]) + f"\n({len(failures)} in all)"
