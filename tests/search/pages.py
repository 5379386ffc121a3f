"""The search page for the permission matrix (tests/records/test_permissions.py includes this table).

``search_pages(world)`` maps the page name to (url, {role: status}) as ``expected_get`` does there:
every person with a role may search (a reporter finds only their agency's tasks, see test_web.py).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

__all__ = ["search_pages"]

ALL = {"officer": 200, "viewer": 200, "national": 200, "reporter": 200, "other_reporter": 200, "outsider": 200}


def search_pages(world: Any) -> dict[str, tuple[str, dict[str, int]]]:
    return {"search": (reverse("search") + "?q=Xay+Sôm+Bun", ALL)}
