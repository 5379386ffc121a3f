"""The ``hoptac`` command: a thin shell over the library functions the web views also call."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from hoptac.errors import HoptacError

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
            raise HoptacError(f"{out_dir}: không tạo được thư mục ({exc.strerror})") from None
    failed = 0
    for name in args.files:
        try:
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
            target.write_text(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        elif args.json:
            print(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(summary(ex) + "\n")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hoptac", description="Hợp tác quốc tế địa phương: đọc văn bản, theo dõi nhiệm vụ.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("extract", help="trích xuất thông tin từ văn bản (.txt .md .html .docx .pdf)")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="in JSON theo định dạng hoptac-extraction/1")
    p.add_argument("-o", "--output", type=Path, metavar="DIR", help="ghi DIR/<tên>.json cho mỗi tệp")
    p.add_argument("--max-size", type=float, metavar="MB", help=f"giới hạn kích thước tệp (mặc định 20, hoặc ${MAX_MB_ENV})")
    p.set_defaults(func=_cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except HoptacError as exc:
        print(f"hoptac: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
