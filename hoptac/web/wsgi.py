"""The WSGI application that ``hoptac serve`` hands to waitress."""

from __future__ import annotations

from hoptac.web import setup

setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
