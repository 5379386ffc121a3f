"""``hoptac``'s argument parser in Vietnamese: usage lines, headings and argparse's own messages, and a
mistyped option named with the option it most likely meant (``--yaer`` → ``--year``) before anything else."""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

__all__ = ["VnParser", "translate"]

# argparse's messages (Python 3.11 to 3.13) and what the user reads instead
MESSAGES: list[tuple[str, str]] = [
    (r"the following arguments are required: (.*)", r"thiếu tham số bắt buộc: \1"),
    (r"unrecognized arguments: (.*)", r"tham số không nhận ra: \1"),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"lựa chọn không hợp lệ: \1 (chọn một trong: \2)"),
    (r"invalid (int|float) value: (.*)", r"không phải là số: \2"),
    (r"invalid (\w+) value: (.*)", r"giá trị không hợp lệ: \2"),
    (r"expected one argument", "cần một giá trị"),
    (r"expected at least one argument", "cần ít nhất một giá trị"),
    (r"expected at most one argument", "cần nhiều nhất một giá trị"),
    (r"expected (\d+) arguments?", r"cần \1 giá trị"),
    (r"ignored explicit argument (.*)", r"không nhận giá trị \1"),
    (r"not allowed with argument (.*)", r"không dùng cùng với \1"),
    (r"one of the arguments (.*) is required", r"cần một trong các tham số: \1"),
    (r"ambiguous option: (\S+) could match (.*)", r"tùy chọn \1 không rõ, có thể là: \2"),
    (r"argument (\S+): (.*)", r"tham số \1: \2"),
]


def translate(message: str) -> str:
    """argparse's English message in Vietnamese (each known piece; an unknown one is left as it is)."""
    for pattern, replacement in MESSAGES:
        match = re.fullmatch(pattern, message, flags=re.DOTALL)
        if match:
            out = match.expand(replacement)
            if pattern.startswith("argument"):  # its own message may be argparse's too
                head, _, rest = out.partition(": ")
                return f"{head}: {translate(rest)}"
            return out
    return message


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "cách dùng: " if prefix is None else prefix)


class VnParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese; its subparsers are VnParsers too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self._seen: list[str] = []
        if add_help:
            self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self._seen = list(sys.argv[1:] if args is None else args)
        ns, extras = super().parse_known_args(args, namespace)
        options = [a for a in extras if a.startswith("-")]
        if options:  # a subcommand's unknown option: said here, where the command's options are known
            self.error("unrecognized arguments: " + " ".join(extras))
        return ns, extras

    def _unknown_options(self) -> list[str]:
        known = list(self._option_string_actions)
        out = []
        for arg in self._seen:
            if arg == "--":
                break
            if not arg.startswith("--") or arg == "--":
                continue
            name = arg.split("=", 1)[0]
            if name in known or any(k.startswith(name) for k in known):
                continue
            close = difflib.get_close_matches(name, [k for k in known if k.startswith("--")], n=1, cutoff=0.6)
            out.append(f"{name} (có phải {close[0]}?)" if close else name)
        return out

    def error(self, message: str) -> NoReturn:
        unknown = self._unknown_options()
        text = translate(message)
        if unknown:
            text = "không có tùy chọn " + ", ".join(unknown) + ("" if "tham số không nhận ra" in text else f"; {text}")
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {text}\n")
