"""``hoptac search`` as a person of the office (``--user``) and ``--rebuild``, on the personas' records."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from hoptac.cli import main
from tests.records.conftest import World

pytestmark = pytest.mark.django_db


def test_user_scope(world: World, capsys: Any) -> None:
    assert main(["search", "tỉnh", "--user", "hoa", "--json", "--limit", "100"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    soyte = set(world.soyte.lead_tasks.values_list("pk", flat=True)) | set(
        world.soyte.support_tasks.values_list("pk", flat=True)
    )
    assert hits and {h["kind"] for h in hits} == {"task"} and {h["id"] for h in hits} <= soyte
    assert main(["search", "Bảo Lạc", "--user", "khanh", "--office", "bac-giang"]) == 2
    assert "không có quyền" in capsys.readouterr().err


def test_rebuild(world: World, capsys: Any) -> None:
    from hoptac.search.models import Entry

    assert main(["search", "--rebuild"]) == 0
    n = Entry.objects.count()
    assert n > 0 and f"{n} mục" in capsys.readouterr().err
    assert main(["search", "--rebuild", "--office", "ha-giang", "Bảo Lạc"]) == 0
    assert Entry.objects.count() == n and "Bảo Lạc" in capsys.readouterr().out
    # `hoptac manage rebuild_search_index` (run_from_argv would close the test's connection)
    call_command("rebuild_search_index", "--office", "bac-giang", stdout=io.StringIO())
    assert Entry.objects.count() == n
