"""The Django project that serves the records system (settings, URLs, WSGI, process setup).

Nothing outside ``hoptac.web`` and ``hoptac.records`` imports Django, so ``hoptac extract``
stays free of it.
"""

from __future__ import annotations

import os

__all__ = ["setup"]

SETTINGS = "hoptac.web.settings"


def setup() -> None:
    """Configure Django for a ``hoptac`` command (settings from the environment) once."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
