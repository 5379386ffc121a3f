"""The ``hoptac`` command: a thin shell over the library functions the web views also call."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from hoptac.cliparse import VnParser
from hoptac.errors import HoptacError, os_reason

__all__ = ["main"]

MAX_MB_ENV = "HOPTAC_MAX_FILE_MB"


def _max_bytes(arg: float | None) -> int:
    if arg is not None:
        return int(arg * 1024 * 1024)
    raw = os.environ.get(MAX_MB_ENV)
    if raw:
        try:
            return int(float(raw) * 1024 * 1024)
        except ValueError:
            raise HoptacError(f"{MAX_MB_ENV}={raw!r} không phải là một số") from None
    from hoptac.extract.read import DEFAULT_MAX_BYTES

    return DEFAULT_MAX_BYTES


def _cmd_extract(args: argparse.Namespace) -> int:
    from hoptac.extract import extract_file
    from hoptac.extract.output import summary

    max_bytes = _max_bytes(args.max_size)
    out_dir: Path | None = args.output
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HoptacError(f"{out_dir}: không tạo được thư mục ({os_reason(exc)})") from None
    failed = 0
    written: set[Path] = set()
    for name in args.files:
        try:
            with _ocr_progress(name, args.progress):
                ex = extract_file(name, max_bytes)
        except HoptacError as exc:
            print(f"hoptac: {exc}", file=sys.stderr)
            failed += 1
            continue
        except Exception as exc:  # a bug must not cost the other files their result
            print(f"hoptac: {name}: lỗi khi trích xuất ({type(exc).__name__})", file=sys.stderr)
            failed += 1
            continue
        if out_dir is not None:
            target = out_dir / (Path(name).stem + ".json")
            if target in written:  # "a.txt" and "a.docx": keep both
                target = out_dir / (Path(name).name + ".json")
            written.add(target)
            target.write_text(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif args.json:
            print(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(vn_dates(summary(ex)) + "\n")
    return 1 if failed else 0


@contextlib.contextmanager
def _ocr_progress(name: str, forced: bool) -> Iterator[None]:
    """A per-page progress bar on stderr while a scan is OCR'd: on a terminal, or with --progress."""
    from hoptac.extract.ocr import reporting

    if not (forced or sys.stderr.isatty()):
        yield
        return
    from tqdm import tqdm

    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="trang", desc=f"OCR {Path(name).name}", file=sys.stderr, leave=False)
        bar.n = done
        bar.refresh()

    try:
        with reporting(update):
            yield
    finally:
        if bar is not None:
            bar.close()


INGEST_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".docx", ".pdf", ".doc", ".rtf", ".odt")
INGEST_SUFFIXES += (".jpg", ".jpeg", ".png", ".tif", ".tiff")  # scans, read by OCR


_YEARLY = re.compile(r"(?<![\w-])--(\d{2})-(\d{2})\b")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_ISO_MONTH = re.compile(r"(?<![\w/-])(\d{4})-(\d{2})(?![\w-])")


def vn_dates(text: str) -> str:
    """The extraction summary's ISO dates as Vietnamese write them: ``--10-31`` → ``31/10 hằng năm``,
    ``2024-06-30`` → ``30/06/2024``, ``2024-06`` → ``tháng 06/2024``."""
    text = _YEARLY.sub(lambda m: f"{m[2]}/{m[1]} hằng năm", text)
    text = _ISO_DAY.sub(lambda m: f"{m[3]}/{m[2]}/{m[1]}", text)
    text = _ISO_MONTH.sub(lambda m: f"tháng {m[2]}/{m[1]}", text)
    return text.replace(" hằng năm (hằng năm)", " hằng năm")


def _django() -> None:
    """Set Django up (lazily: ``hoptac extract`` never imports it) and bring the database up to date."""
    from hoptac.web import setup

    setup()
    from django.core.management import call_command
    from django.db import DatabaseError

    try:
        call_command("migrate", interactive=False, verbosity=0)
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HoptacError(f"không kết nối/cập nhật được cơ sở dữ liệu: {first}") from None


def _ingest_files(paths: Sequence[str]) -> tuple[list[Path], list[str]]:
    """The files to ingest, and one error line per path that is missing or a link leaving its folder.

    In a folder, a link is followed only when it stays inside the folder: a link to /etc/passwd must not
    become a document office users can read. A file named on the command line is taken as named.
    """
    files: list[Path] = []
    errors: list[str] = []
    for name in paths:
        p = Path(name)
        if p.is_dir():
            root = p.resolve()
            for f in sorted(p.rglob("*")):
                if not (f.is_file() and f.suffix.lower() in INGEST_SUFFIXES):
                    continue
                if f.resolve().is_relative_to(root):
                    files.append(f)
                else:
                    errors.append(f"{f}: bỏ qua liên kết trỏ ra ngoài thư mục {p}")
        elif p.exists():
            files.append(p)
        else:
            errors.append(f"{name}: không tìm thấy tệp hoặc thư mục")
    return files, errors


def _cmd_ingest(args: argparse.Namespace) -> int:
    _django()
    from tqdm import tqdm

    from hoptac.records.ingest import get_office, ingest_path

    office = get_office(args.office or os.environ.get("HOPTAC_OFFICE") or None)
    files, errors = _ingest_files(args.paths)
    for line in errors:
        print(f"hoptac: {line}", file=sys.stderr)
    failed, new, known = len(errors), 0, 0
    bar = tqdm(files, unit="tệp", file=sys.stderr, disable=args.quiet or None, leave=False)
    for path in bar:
        try:
            with contextlib.nullcontext() if args.quiet else _ocr_progress(str(path), args.progress):
                result = ingest_path(path, office)
        except HoptacError as exc:
            tqdm.write(f"hoptac: {exc}", file=sys.stderr)
            failed += 1
            continue
        except Exception as exc:  # a bug must not cost the other files their result
            tqdm.write(f"hoptac: {path}: lỗi khi nhập ({type(exc).__name__})", file=sys.stderr)
            failed += 1
            continue
        if result.created:
            new += 1
        else:
            known += 1
    print(f"Đã nhập {new} văn bản mới, {known} đã có, {failed} lỗi (văn phòng: {office.name}).")
    return 1 if failed else 0


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"cổng không hợp lệ: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"cổng phải từ 1 đến 65535: {port}")
    return port


def _count(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải số nguyên: {text!r}") from None
    if not 1 <= n <= 64:
        raise argparse.ArgumentTypeError(f"phải từ 1 đến 64: {n}")
    return n


def _cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from django.conf import settings

    if args.demo:
        from hoptac.records import demo

        demo.load(sys.stderr)
    from hoptac.records import pending

    pending.clean()  # uploads left waiting for their review for more than a day
    from hoptac.web.server import check_port, serve
    from hoptac.web.wsgi import application

    check_port(args.host, args.port)
    if not getattr(settings, "PRODUCTION", False) and args.host not in ("127.0.0.1", "localhost", "::1"):
        # Reachable from other machines with the local mode's defaults (plain HTTP, cookies not HTTPS-only).
        print(
            "hoptac: cảnh báo: đang chạy ở chế độ cục bộ; máy chủ thật hãy đặt HOPTAC_PRODUCTION=1 "
            "(cùng HOPTAC_SECRET_KEY, HOPTAC_ALLOWED_HOSTS, HOPTAC_DATABASE_URL) và đặt sau một proxy HTTPS",
            file=sys.stderr,
        )

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"hoptac: đang phục vụ tại http://{args.host}:{args.port}/ (dữ liệu: {settings.DATA_DIR}; "
        f"cơ sở dữ liệu: {engine})",
        file=sys.stderr,
        flush=True,
    )
    serve(application, args.host, args.port, args.workers or _default_workers(), args.threads)
    return 0


def _default_workers() -> int:
    from hoptac.web.server import default_workers

    return default_workers()


def _cmd_backup(args: argparse.Namespace) -> int:
    _django()
    from hoptac.backup import backup

    result = backup(args.file)
    for name in result.missing:
        print(f"hoptac: cảnh báo: thiếu tệp {name} (được ghi trong dữ liệu nhưng không có trên đĩa)", file=sys.stderr)
    print(f"Đã sao lưu {result.rows} bản ghi và {result.files} tệp vào {result.path} ({result.size / 1048576:.1f} MB).")
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    from hoptac.backup import read_manifest, restore

    read_manifest(args.file)  # a wrong file is refused before the database is touched
    _django()
    result = restore(args.file)
    print(f"Đã khôi phục {result.rows} bản ghi và {result.files} tệp từ {result.path}.")
    return 0


def _cmd_manage(args: argparse.Namespace) -> int:
    from hoptac.web import setup

    setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hoptac manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = VnParser(prog="hoptac", description="Hợp tác quốc tế địa phương: đọc văn bản, theo dõi nhiệm vụ.")
    sub = parser.add_subparsers(dest="command", required=True, title="lệnh", metavar="LỆNH")
    p = sub.add_parser(
        "extract",
        help="trích xuất thông tin từ văn bản (.txt .md .html .docx .pdf .doc .rtf .odt, ảnh scan .jpg .png .tif)",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="in JSON theo định dạng hoptac-extraction/1")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="ghi DIR/<tên>.json cho mỗi tệp")
    p.add_argument("--progress", action="store_true", help="hiện tiến độ OCR từng trang (mặc định: khi ở terminal)")
    p.add_argument(
        "--max-size",
        type=float,
        metavar="MB",
        help=f"giới hạn kích thước tệp (mặc định 20, hoặc ${MAX_MB_ENV})",
    )
    p.set_defaults(func=_cmd_extract)
    p = sub.add_parser("ingest", help="nhập văn bản (tệp hoặc thư mục) vào hệ thống, chờ duyệt")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--office",
        metavar="MÃ",
        help="văn phòng nhận văn bản (mặc định $HOPTAC_OFFICE hoặc văn phòng duy nhất)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="không hiện thanh tiến trình")
    p.add_argument("--progress", action="store_true", help="hiện tiến độ OCR từng trang (mặc định: khi ở terminal)")
    p.set_defaults(func=_cmd_ingest)
    p = sub.add_parser("serve", help="chạy ứng dụng web (cập nhật cơ sở dữ liệu trước)")
    p.add_argument("--demo", action="store_true", help="nạp văn bản mẫu và tạo tài khoản trình diễn")
    p.add_argument("--port", type=_port, default=8000, help="cổng (mặc định 8000)")
    p.add_argument("--host", default="127.0.0.1", help="địa chỉ lắng nghe (mặc định 127.0.0.1)")
    p.add_argument("--workers", type=_count, default=None, help="số tiến trình (mặc định bằng số lõi, 2 đến 8)")
    p.add_argument("--threads", type=_count, default=1, help="số luồng mỗi tiến trình (mặc định 1)")
    p.set_defaults(func=_cmd_serve)
    p = sub.add_parser("manage", help="lệnh quản trị Django (createsuperuser, migrate, …)")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=_cmd_manage)
    p = sub.add_parser("backup", help="sao lưu toàn bộ dữ liệu (cơ sở dữ liệu và tệp) vào một tệp, khi đang chạy")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=_cmd_backup)
    p = sub.add_parser("restore", help="khôi phục một bản sao lưu vào cơ sở dữ liệu trống đã cấu hình")
    p.add_argument("file", type=Path, metavar="FILE")
    p.set_defaults(func=_cmd_restore)
    from hoptac.cycle.commands import add_commands  # remind, report, import (Django only when run)

    add_commands(sub, _django)
    from hoptac.search.command import add_command as add_search  # Django only when run

    add_search(sub, _django)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = int(args.func(args))
        sys.stdout.flush()  # here, so that a reader that went away (``| head``) is caught below
        return code
    except BrokenPipeError:
        # the reader stopped reading: not an error of ours; stdout goes nowhere so the exit flush is quiet
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except HoptacError as exc:
        print(f"hoptac: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
