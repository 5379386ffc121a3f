"""Settings read from the environment, each checked: a bad value stops the program with one line.

Two modes. Without ``HOPTAC_PRODUCTION`` (local use, ``./run.sh``, the tests): SQLite in the data
directory, a secret key made once and kept there, only this machine's host names, plain HTTP.
With ``HOPTAC_PRODUCTION=1`` nothing is guessed: ``HOPTAC_SECRET_KEY``, ``HOPTAC_ALLOWED_HOSTS`` and
``HOPTAC_DATABASE_URL`` must be set, or the program stops naming the missing one, and
``hoptac.web.security`` turns on HTTPS-only cookies, redirects and HSTS.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any

from hoptac.errors import HoptacError, os_reason

__all__ = [
    "ConfigError",
    "allowed_hosts",
    "data_dir",
    "database",
    "debug",
    "flag",
    "number",
    "production",
    "require",
    "secret_key",
    "trusted_proxies",
]


class ConfigError(HoptacError):
    """An environment variable holds a value hoptac cannot use."""


def data_dir() -> Path:
    raw = os.environ.get("HOPTAC_DATA_DIR", "").strip()
    if raw:
        path = Path(raw).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("hoptac", appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"HOPTAC_DATA_DIR={str(path)!r}: không tạo được thư mục ({os_reason(exc)})") from None
    if not os.access(path, os.W_OK):
        raise ConfigError(f"HOPTAC_DATA_DIR={str(path)!r}: không có quyền ghi")
    return path.resolve()


def production() -> bool:
    return _flag("HOPTAC_PRODUCTION", False)


def require(name: str, meaning: str) -> str:
    """The value of ``name``; in production mode a missing one stops the program, naming it."""
    raw = os.environ.get(name, "").strip()
    if not raw and production():
        raise ConfigError(f"thiếu biến môi trường {name} ({meaning}), bắt buộc khi HOPTAC_PRODUCTION=1")
    return raw


def database(data: Path) -> dict[str, Any]:
    url = require("HOPTAC_DATABASE_URL", "địa chỉ cơ sở dữ liệu, ví dụ postgresql://người_dùng@máy/hoptac")
    url = url or f"sqlite:///{data / 'hoptac.sqlite3'}"
    scheme = url.split(":", 1)[0].lower()
    if scheme not in ("sqlite", "postgres", "postgresql", "pgsql"):
        raise ConfigError(
            f"HOPTAC_DATABASE_URL: không hỗ trợ loại cơ sở dữ liệu {scheme!r} (chỉ sqlite:/// hoặc postgresql://)"
        )
    import dj_database_url

    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url))
    except Exception as exc:  # dj_database_url raises several types for a malformed URL
        raise ConfigError(f"HOPTAC_DATABASE_URL không hợp lệ ({exc})") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config.get("NAME") or "")
        if not name or name == ":memory:":
            raise ConfigError(
                "HOPTAC_DATABASE_URL: thiếu đường dẫn tệp SQLite (sqlite:////đường/dẫn/tệp.sqlite3)"
            )
        # WAL: readers never wait for the writer; a writer waits up to ``timeout`` s for another (busy
        # timeout), and IMMEDIATE takes the write lock at BEGIN so two writers never deadlock. A larger page
        # cache and memory-mapped reads keep a national-scale database's hot pages in each server process.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824; PRAGMA temp_store=MEMORY;"
            ),
        }
        config["CONN_MAX_AGE"] = 600  # a server thread keeps its connection (and its page cache)
    elif not config.get("NAME"):
        raise ConfigError(
            "HOPTAC_DATABASE_URL: thiếu tên cơ sở dữ liệu (postgresql://người_dùng@máy:cổng/tên)"
        )
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        # Many small concurrent queries: parallel workers only add start-up time and compete for the cores.
        options = config.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c max_parallel_workers_per_gather=0").strip()
    return config


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r}: chỉ nhận 1/0, true/false, yes/no, on/off")


flag = _flag


def number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise ConfigError(f"{name}={raw!r} không phải là một số") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r}: phải từ {low:g} đến {high:g}")
    return value


def debug() -> bool:
    on = _flag("HOPTAC_DEBUG", False)
    if on and production():
        raise ConfigError("HOPTAC_DEBUG=1 không dùng được cùng HOPTAC_PRODUCTION=1 (lộ thông tin nội bộ khi có lỗi)")
    return on


def secret_key(data: Path) -> str:
    """``HOPTAC_SECRET_KEY``, or (not in production) a random key made once and kept in the data directory."""
    raw = require("HOPTAC_SECRET_KEY", "khóa bí mật ngẫu nhiên, ít nhất 50 ký tự")
    if raw:
        # In production, Django's own bar for a strong key (check --deploy, security.W009).
        least = 50 if production() else 32
        if len(raw) < least:
            raise ConfigError(f"HOPTAC_SECRET_KEY quá ngắn (cần ít nhất {least} ký tự)")
        if production() and (len(set(raw)) < 5 or raw.startswith("django-insecure")):
            raise ConfigError("HOPTAC_SECRET_KEY quá dễ đoán: hãy dùng một chuỗi ngẫu nhiên")
        return raw
    path = data / "secret_key"
    try:
        if path.exists():
            key = path.read_text(encoding="utf-8").strip()
            if len(key) >= 32:
                return key
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
    except OSError as exc:
        raise ConfigError(f"{path}: không đọc/ghi được khóa bí mật ({os_reason(exc)})") from None
    return key


def allowed_hosts(debug_on: bool) -> list[str]:
    raw = require("HOPTAC_ALLOWED_HOSTS", "tên miền của máy chủ, ngăn cách bằng dấu phẩy")
    if not raw:
        return ["localhost", "127.0.0.1", "[::1]", "testserver"] + (["*"] if debug_on else [])
    hosts = [h.strip() for h in raw.split(",") if h.strip()]
    for h in hosts:
        if " " in h or "/" in h:
            raise ConfigError(f"HOPTAC_ALLOWED_HOSTS: tên máy không hợp lệ {h!r} (ngăn cách bằng dấu phẩy)")
        if h == "*" and production():
            raise ConfigError("HOPTAC_ALLOWED_HOSTS: không dùng '*' khi HOPTAC_PRODUCTION=1; hãy ghi tên miền")
    return hosts


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_proxies(default: str) -> tuple[Network, ...]:
    """``HOPTAC_TRUSTED_PROXIES``: the addresses (``10.0.0.5``) or networks (``10.0.0.0/24``, ``fd00::/8``),
    comma-separated, whose ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed; ``default`` when
    unset. A value that is not an address or a network stops the program, naming it."""
    raw = os.environ.get("HOPTAC_TRUSTED_PROXIES")
    raw = default if raw is None or not raw.strip() else raw
    out: list[Network] = []
    for item in raw.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"HOPTAC_TRUSTED_PROXIES: {item!r} không phải địa chỉ IP hay mạng (ví dụ 10.0.0.5, 10.0.0.0/24), "
                "ngăn cách bằng dấu phẩy"
            ) from None
    return tuple(out)
