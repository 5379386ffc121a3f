"""Settings for the test suite: a throw-away data directory unless one is given."""

from __future__ import annotations

import os
import tempfile

os.environ.pop("HOPTAC_PRODUCTION", None)  # the suite runs in local mode; tests/test_security.py tries production
os.environ.setdefault("HOPTAC_DATA_DIR", tempfile.mkdtemp(prefix="hoptac-test-"))
os.environ.setdefault("HOPTAC_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnop")

from hoptac.web.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
