"""The production server behind ``hoptac serve``: gunicorn (one process per core) on POSIX,
waitress where gunicorn cannot run (Windows). Static files come through whitenoise in the app itself."""

from __future__ import annotations

import os
import socket
from typing import Any

from hoptac.errors import HoptacError, os_reason

__all__ = ["check_port", "default_workers", "serve", "warm_up"]


def default_workers() -> int:
    """One process per core (at least 2, at most 8), each serving one request at a time. Measured with
    bench/load_records.py (2 cores, 20 clients, SQLite and PostgreSQL): against more processes, or threads
    in each, this had the lowest 95th percentile, as requests wait in the kernel's queue, in order, rather
    than inside a busy process for its interpreter lock. ``--threads N`` (gthread workers) suits long
    requests, such as uploads over slow links; in front of the Internet, put a reverse proxy before it."""
    return max(2, min(8, os.cpu_count() or 1))


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken, in one Vietnamese line, before any server prints its own error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise HoptacError(f"không mở được cổng {host}:{port} ({os_reason(exc)})") from None


def warm_up() -> None:
    """Do once, before the workers are forked, what each would otherwise do on its first requests:
    resolve the URLs, load the translation catalogues, compile the templates."""
    from pathlib import Path

    from django.apps import apps
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver, reverse
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports every view module
    reverse("dashboard")  # fills the resolver's reverse table
    for code in ("en", "vi"):
        with translation.override(code):
            translation.gettext("Tổng quan")
    for config in apps.get_app_configs():
        folder = Path(config.path) / "templates"
        for path in folder.rglob("*.html") if folder.is_dir() else ():
            try:
                get_template(path.relative_to(folder).as_posix())
            except (TemplateDoesNotExist, TemplateSyntaxError):
                continue


def serve(app: Any, host: str, port: int, workers: int, threads: int) -> None:
    check_port(host, port)
    if os.name == "nt":  # pragma: no cover - gunicorn needs fork
        import waitress

        waitress.serve(app, host=host, port=port, threads=max(4, workers * threads), ident="hoptac", _quiet=True)
        return
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    warm_up()
    connections.close_all()  # the workers are forked from this process: no shared database connection

    class Server(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                # One request at a time per process unless threads are asked for: a busy process then
                # accepts nothing, and the waiting requests stay in the kernel's queue, first come first served.
                "worker_class": "gthread" if threads > 1 else "sync",
                "preload_app": True,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "timeout": 120,
                "graceful_timeout": 10,
                "proc_name": "hoptac",
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    Server().run()
