"""What the browser tests share: Debian's Chromium, and ``hoptac serve`` started on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying hosts this closed network refuses.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip without Chromium and Playwright, except in CI, where .ci/run installs them."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium")
        pytest.skip("no /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip("playwright")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served(env: dict[str, str], *options: str) -> Iterator[str]:
    """``hoptac serve`` with ``env`` (its ``HOPTAC_DATA_DIR`` gets the log) until the block ends; yields its URL."""
    port = free_port()
    log_path = Path(env["HOPTAC_DATA_DIR"]) / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hoptac", "serve", "--host", "127.0.0.1", "--port", str(port), *options],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(url + "/login/", timeout=2)
                    break
                except OSError:
                    if proc.poll() is not None:
                        pytest.fail("hoptac serve exited: " + log_path.read_text())
                    time.sleep(0.2)
            else:
                pytest.fail("hoptac serve did not answer")
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@contextlib.contextmanager
def set_up_and_served(setup: str, data_dir: Path) -> Iterator[str]:
    """A fresh data folder prepared by ``setup`` (Python run in its own process), then served."""
    require_chromium()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["HOPTAC_DATA_DIR"] = str(data_dir)
    env["HOPTAC_SECRET_KEY"] = "browser-test-secret-key-0123456789abcdefghij"
    subprocess.run([sys.executable, "-c", setup], env=env, check=True, timeout=300)
    with served(env) as url:
        yield url
