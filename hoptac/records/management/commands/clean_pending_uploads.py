"""Remove uploads left waiting for their review for more than a day (``hoptac.records.pending``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from hoptac.records import pending


class Command(BaseCommand):
    help = "Xóa các tệp tải lên chờ duyệt quá 24 giờ."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = pending.clean()
        self.stdout.write(f"Đã xóa {removed} tệp tải lên chờ duyệt quá 24 giờ.")
