"""Scans uploaded on the web are OCR'd in the background: no request waits minutes for Tesseract.

The upload page saves the file in its pending folder (``pending``) and calls ``ensure``; a daemon thread of
the web process reads it (OCR, then extraction) and writes beside the file, each write atomic:

- ``ocr.json``: ``{"state": queued|running|done|failed, "done": pages read, "total": pages, "error": one line}``;
- ``result.json``: ``{"extraction": Extraction.to_dict(), "text": the cleaned text}``, written before "done".

One job at a time on the machine, since each already reads a page per core: a semaphore in the process and
a lock file the server's processes share. A job waiting its turn rewrites its status every ``HEARTBEAT``
seconds; a running one at every page. A status left unchanged for ``STALE_SECONDS`` belongs to a job that
died with its process (a server restart): ``current`` starts it again when the review page or its status
is asked for. Two server processes that find the same dead job at the same moment may both start it: the
second waits for the lock, then repeats the work and writes the same result.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from hoptac.errors import HoptacError
from hoptac.extract import ocr
from hoptac.records import pending
from hoptac.records.ingest import read_document

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: waitress, one process
    fcntl = None  # type: ignore[assignment]

__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "Status", "busy", "current", "ensure", "result", "status"]

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_FILE, RESULT_FILE = "ocr.json", "result.json"
HEARTBEAT = 20.0
# A page is drawn, turned upright and read, each step with a deadline of about PAGE_SECONDS; four pages run
# at once, so a live job reports a page at least this often.
STALE_SECONDS = 3 * ocr.PAGE_SECONDS

log = logging.getLogger(__name__)

_lock = threading.Lock()
_active: set[tuple[Any, str]] = set()  # (user id, digest) of this process's jobs, queued or running
_slot = threading.Semaphore(1)


@dataclass(frozen=True)
class Status:
    state: str
    done: int = 0
    total: int = 0
    error: str = ""
    age: float = 0.0  # seconds since the job last wrote it

    def json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "age"}


def status(user: Any, digest: str) -> Status | None:
    """The upload's job as it last reported; None when it has none (a file read at once)."""
    found = pending.read_json(user, digest, STATUS_FILE)
    if found is None or not isinstance(found[0], dict):
        return None
    value, age = found
    try:
        return Status(str(value["state"]), int(value["done"]), int(value["total"]), str(value["error"]), age)
    except (KeyError, TypeError, ValueError):
        return None


def result(user: Any, digest: str) -> tuple[dict[str, Any], str] | None:
    """(extraction dict, cleaned text) of a finished job; None if there is none."""
    found = pending.read_json(user, digest, RESULT_FILE)
    if found is None or not isinstance(found[0], dict):
        return None
    value = found[0]
    if not isinstance(value.get("extraction"), dict) or not isinstance(value.get("text"), str):
        return None
    return value["extraction"], value["text"]


def ensure(user: Any, digest: str, *, retry: bool = False) -> Status:
    """The job of a pending upload, started if it has none, died or lost its result, or failed and ``retry``
    (the same file uploaded again)."""
    found = status(user, digest)
    if found is None or (retry and found.state == FAILED) or _dead(user, digest, found):
        return _start(user, digest)
    return found


def current(user: Any, digest: str) -> Status | None:
    """The job of a pending upload, started again if it died; None for an upload read without one."""
    return None if status(user, digest) is None else ensure(user, digest)


def busy() -> bool:
    """Whether this process has a job queued or running (the tests wait for it)."""
    with _lock:
        return bool(_active)


def _dead(user: Any, digest: str, found: Status) -> bool:
    with _lock:
        if (user.pk, digest) in _active:
            return False
    if found.state == DONE:
        return result(user, digest) is None
    return found.state in (QUEUED, RUNNING) and found.age > STALE_SECONDS


def _start(user: Any, digest: str) -> Status:
    key = (user.pk, digest)
    with _lock:
        if key in _active:
            return status(user, digest) or Status(QUEUED)
        _active.add(key)
    queued = Status(QUEUED)
    _report(user, digest, queued)  # before the thread: the page that follows sees the job at once
    threading.Thread(target=_run, args=(user, digest), name=f"hoptac-ocr-{digest[:8]}", daemon=True).start()
    return queued


def _report(user: Any, digest: str, now: Status) -> None:
    # The upload may have been removed meanwhile (saved, or cleaned): then nobody is waiting for this job.
    with contextlib.suppress(OSError):
        pending.write_json(user, digest, STATUS_FILE, now.json())


def _run(user: Any, digest: str) -> None:
    last = Status(RUNNING)

    def progress(done: int, total: int) -> None:
        nonlocal last
        last = Status(RUNNING, done, total)
        _report(user, digest, last)

    try:
        waiting = pending.load(user, digest)
        if waiting is None:  # removed, or its bytes changed: the review page says "not found"
            _report(user, digest, Status(FAILED, error="không còn tệp chờ duyệt"))
            return
        name, data = waiting
        with _turn(lambda: _report(user, digest, Status(QUEUED))):
            _report(user, digest, Status(RUNNING))
            with ocr.reporting(progress):
                ex = read_document(data, name)
            pending.write_json(user, digest, RESULT_FILE, {"extraction": ex.to_dict(), "text": ex.text})
        _report(user, digest, Status(DONE, last.done, last.total))
    except HoptacError as exc:
        _report(user, digest, Status(FAILED, last.done, last.total, str(exc)))
    except Exception as exc:  # a bug, or the result not written: the job must still end, with a message
        log.exception("OCR job %s failed", digest)
        reason = f"không đọc được văn bản ({type(exc).__name__})"
        _report(user, digest, Status(FAILED, last.done, last.total, reason))
    finally:
        with _lock:
            _active.discard((user.pk, digest))


@contextlib.contextmanager
def _turn(waiting: Callable[[], None]) -> Iterator[None]:
    """One job at a time: this process's semaphore, then the lock file shared with the other processes.
    ``waiting()`` is called every ``HEARTBEAT`` seconds meanwhile, so the job is not taken for dead."""
    while not _slot.acquire(timeout=HEARTBEAT):
        waiting()
    try:
        with _machine_lock(waiting):
            yield
    finally:
        _slot.release()


@contextlib.contextmanager
def _machine_lock(waiting: Callable[[], None]) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path = pending.root() / ".ocr.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        last = time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() - last > HEARTBEAT:
                    waiting()
                    last = time.monotonic()
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
