"""django-axes' gate, first of AUTHENTICATION_BACKENDS (see ``hoptac.web.security``). Kept apart from the
settings: importing axes reads the settings."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend

__all__ = ["ThrottleBackend"]


class ThrottleBackend(AxesStandaloneBackend):
    """Refuses a locked-out user name and address. A password checked without a request (a command, the
    test client's ``login``) has no address to count, and passes on to the other backends instead of
    failing as axes' own backend does."""

    def authenticate(self, request: Any, username: Any = None, password: Any = None, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
