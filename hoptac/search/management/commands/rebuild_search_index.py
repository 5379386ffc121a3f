"""``hoptac manage rebuild_search_index [--office MÃ]``: index every record again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hoptac.errors import HoptacError


class Command(BaseCommand):
    help = "Lập lại chỉ mục tìm kiếm (của một văn phòng, hoặc tất cả)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--office", metavar="MÃ", help="chỉ văn phòng này")

    def handle(self, *args: Any, **options: Any) -> None:
        from hoptac.records.ingest import get_office
        from hoptac.search import engine, index

        try:
            office = get_office(options["office"]) if options.get("office") else None
        except HoptacError as exc:
            raise CommandError(str(exc)) from None
        engine.install()
        n = index.rebuild(office, progress=lambda kind, count: self.stdout.write(f"{kind}: {count}"))
        self.stdout.write(f"Đã lập lại chỉ mục tìm kiếm: {n} mục.")
