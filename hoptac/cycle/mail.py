"""Outgoing mail settings from the environment, each checked (read by ``hoptac.web.settings``; Django-free).

| variable                 | Django setting        | default                      |
| ------------------------ | --------------------- | ---------------------------- |
| ``HOPTAC_SMTP_HOST``     | ``EMAIL_HOST``        | ``localhost``                |
| ``HOPTAC_SMTP_PORT``     | ``EMAIL_PORT``        | 25 (587 with STARTTLS, 465 with SSL) |
| ``HOPTAC_SMTP_USER``     | ``EMAIL_HOST_USER``   | none                         |
| ``HOPTAC_SMTP_PASSWORD`` | ``EMAIL_HOST_PASSWORD`` | none                       |
| ``HOPTAC_SMTP_SECURITY`` | ``EMAIL_USE_TLS``/``EMAIL_USE_SSL`` | ``none`` (``starttls``, ``ssl``) |
| ``HOPTAC_SMTP_FROM``     | ``DEFAULT_FROM_EMAIL`` | ``hoptac@localhost``        |
| ``HOPTAC_BASE_URL``      | ``HOPTAC_BASE_URL``   | none (mails then carry no links) |

Django's own ``EMAIL_*`` names are accepted too when the ``HOPTAC_SMTP_*`` one is unset.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from hoptac.web.config import ConfigError

__all__ = ["email_settings"]

_ADDRESS = re.compile(r"^(?:[^<>@\s]+@[^<>@\s]+\.?[^<>@\s]*|.*<[^<>@\s]+@[^<>@\s]+>)$")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]+$")


def _get(env: Mapping[str, str], name: str, django_name: str) -> tuple[str, str]:
    raw = env.get(name, "").strip()
    if raw:
        return name, raw
    return django_name, env.get(django_name, "").strip()


def email_settings(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The ``EMAIL_*`` settings; a bad value raises ``ConfigError`` naming the variable."""
    env = os.environ if env is None else env
    name, security = _get(env, "HOPTAC_SMTP_SECURITY", "EMAIL_SECURITY")
    security = (security or "none").lower()
    if env.get("EMAIL_USE_TLS", "").strip().lower() in ("1", "true", "yes") and not env.get("HOPTAC_SMTP_SECURITY"):
        security = "starttls"
    if env.get("EMAIL_USE_SSL", "").strip().lower() in ("1", "true", "yes") and not env.get("HOPTAC_SMTP_SECURITY"):
        security = "ssl"
    if security not in ("none", "starttls", "ssl"):
        raise ConfigError(f"{name}={security!r}: chỉ nhận none, starttls hoặc ssl")
    name, host = _get(env, "HOPTAC_SMTP_HOST", "EMAIL_HOST")
    host = host or "localhost"
    if not _HOST.match(host):
        raise ConfigError(f"{name}={host!r}: tên máy chủ thư không hợp lệ")
    name, raw_port = _get(env, "HOPTAC_SMTP_PORT", "EMAIL_PORT")
    port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    if raw_port:
        if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
            raise ConfigError(f"{name}={raw_port!r}: cổng phải là số từ 1 đến 65535")
        port = int(raw_port)
    _n, user = _get(env, "HOPTAC_SMTP_USER", "EMAIL_HOST_USER")
    _n, password = _get(env, "HOPTAC_SMTP_PASSWORD", "EMAIL_HOST_PASSWORD")
    if password and not user:
        raise ConfigError("HOPTAC_SMTP_PASSWORD được đặt nhưng thiếu HOPTAC_SMTP_USER")
    name, sender = _get(env, "HOPTAC_SMTP_FROM", "DEFAULT_FROM_EMAIL")
    sender = sender or "hoptac@localhost"
    if not _ADDRESS.match(sender):
        raise ConfigError(f"{name}={sender!r}: địa chỉ người gửi không hợp lệ")
    base = env.get("HOPTAC_BASE_URL", "").strip().rstrip("/")
    if base and not re.match(r"^https?://[^\s/]+", base):
        raise ConfigError(f"HOPTAC_BASE_URL={base!r}: cần dạng http(s)://máy[:cổng][/đường-dẫn]")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": host,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": user,
        "EMAIL_HOST_PASSWORD": password,
        "EMAIL_USE_TLS": security == "starttls",
        "EMAIL_USE_SSL": security == "ssl",
        "EMAIL_TIMEOUT": 30,
        "DEFAULT_FROM_EMAIL": sender,
        "SERVER_EMAIL": sender,
        "HOPTAC_BASE_URL": base,
    }
