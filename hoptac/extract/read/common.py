"""What the readers share: sizes and OS errors in words, and the block writer that turns
paragraphs and table rows into the text the cleaner expects."""

from __future__ import annotations

import re

from hoptac.extract.encodings import fix_legacy_lines

MB = 1024 * 1024
_WS_RE = re.compile(r"\s+")


def _mb(size: int) -> str:
    """A size in MB the Vietnamese way: '20', '0,5', '1024'."""
    text = f"{size / MB:.3f}".rstrip("0").rstrip(".")
    return "< 0,001" if text == "0" and size else text.replace(".", ",")


def _strerror(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


_LETTER_RE = re.compile(r"[^\W\d_]")
# A numbering label printed plain before an emphasised heading: "II.", "1.2.", "a)", "-".
_PLAIN_LABEL_RE = re.compile(r"(?:[IVX]{1,5}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])[.)]|[-+•]")
_LEADING_LABEL_RE = re.compile(rf"\s*(?:{_PLAIN_LABEL_RE.pattern})\s*")


def _emphasise(text: str) -> str:
    """A paragraph printed wholly bold or italic, as the Markdown heading the cleaner knows:
    "**text**" on each of its lines (line breaks inside it are kept)."""
    out = []
    for line in text.split("\n"):
        core = line.strip().replace("*", "")
        out.append(f"**{core}**" if len(_LETTER_RE.findall(core)) > 3 else line)
    return "\n".join(out)


def _render(blocks: list[str | list[str]], fix: bool = True) -> str:
    """Paragraphs separated by a blank line, table rows one per line; legacy text converted."""
    units: list[str] = []
    for block in blocks:
        units += [block] if isinstance(block, str) else block
    fixed = iter(fix_legacy_lines(units) if fix else units)
    out: list[str] = []
    previous_row = False
    for block in blocks:
        if isinstance(block, str):
            out.append(("\n\n" if out else "") + next(fixed))
            previous_row = False
        else:
            cells = [next(fixed) for _ in block]
            row = "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
            out.append(("\n" if previous_row else "\n\n" if out else "") + row)
            previous_row = True
    return "".join(out)
