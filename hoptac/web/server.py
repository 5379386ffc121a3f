"""The production server behind ``hoptac serve``: gunicorn (several processes, threads each) on POSIX,
waitress where gunicorn cannot run (Windows). Static files come through whitenoise in the app itself."""

from __future__ import annotations

import os
import socket
from typing import Any

from hoptac.errors import HoptacError

__all__ = ["check_port", "default_workers", "serve"]


def default_workers() -> int:
    return max(2, min(8, (os.cpu_count() or 1) + 1))


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken, in one Vietnamese line, before any server prints its own error."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            raise HoptacError(f"không mở được cổng {host}:{port} ({exc.strerror})") from None


def serve(app: Any, host: str, port: int, workers: int, threads: int) -> None:
    check_port(host, port)
    if os.name == "nt":  # pragma: no cover - gunicorn needs fork
        import waitress

        waitress.serve(app, host=host, port=port, threads=workers * threads, ident="hoptac", _quiet=True)
        return
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    connections.close_all()  # the workers are forked from this process: no shared database connection

    class Server(BaseApplication):
        def load_config(self) -> None:
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
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
