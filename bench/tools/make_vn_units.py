"""Regenerate ``hoptac/extract/data/vn_units.tsv`` from the ``vietnamadminunits`` package.

The package (MIT, PyPI) ships the 63-province dataset with every district-level unit as it stood
just before 1 July 2025 (``admin_units_legacy`` in ``data/dataset.db``) and the mapping of the
63 provinces onto the 34 that exist from 1 July 2025 (``data/converter_2025.json``). Install it
into a scratch virtual environment, not the project's (it is not a runtime dependency)::

    python3 -m venv /tmp/vau && /tmp/vau/bin/pip install vietnamadminunits
    /tmp/vau/bin/python bench/tools/make_vn_units.py            # writes the TSV
    /tmp/vau/bin/python bench/tools/make_vn_units.py --check    # exits 1 if the TSV differs

Only the standard library is used to read the data; the package is imported just to find it.
Older names that the package knows only unaccented are given their accented spelling below
(``OLD_NAMES``), together with a few the package lacks (2020 Cao Bằng mergers).
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "hoptac" / "extract" / "data" / "vn_units.tsv"

# Province-level aliases: older names and common written variants (not unaccented spellings).
PROVINCE_ALIASES: dict[str, list[str]] = {
    "Huế": ["Thừa Thiên Huế", "Thừa Thiên - Huế"],
    "Hồ Chí Minh": ["TP.HCM", "TP. Hồ Chí Minh", "TPHCM", "Sài Gòn"],
    "Bà Rịa - Vũng Tàu": ["Bà Rịa Vũng Tàu", "BR-VT"],
    "Đắk Lắk": ["Đắc Lắc"],
    "Đắk Nông": ["Đắc Nông"],
    "Kon Tum": ["Kontum"],
}

# (province, district) → older names now part of that unit. Accented forms of the package's
# unaccented alias keywords, plus the 2020 Cao Bằng mergers (Resolution 897/NQ-UBTVQH14).
OLD_NAMES: dict[tuple[str, str], list[str]] = {
    ("Cao Bằng", "Hà Quảng"): ["Thông Nông"],
    ("Cao Bằng", "Quảng Hòa"): ["Phục Hòa", "Quảng Uyên"],
    ("Cao Bằng", "Trùng Khánh"): ["Trà Lĩnh"],
    ("Hòa Bình", "Hòa Bình"): ["Kỳ Sơn"],
    ("Quảng Ninh", "Hạ Long"): ["Hoành Bồ"],
    ("Bắc Giang", "Bắc Giang"): ["Yên Dũng"],
    ("Nam Định", "Nam Định"): ["Mỹ Lộc"],
    ("Ninh Bình", "Hoa Lư"): [],  # the former city of Ninh Bình: left out, it would shadow the province
    ("Thanh Hóa", "Thanh Hóa"): ["Đông Sơn"],
    ("Thanh Hóa", "Nghi Sơn"): ["Tĩnh Gia"],
    ("Nghệ An", "Vinh"): ["Cửa Lò"],
    ("Huế", "Phú Lộc"): ["Nam Đông"],
    ("Quảng Nam", "Quế Sơn"): ["Nông Sơn"],
    ("Quảng Ngãi", "Trà Bồng"): ["Tây Trà"],
    ("Lâm Đồng", "Đạ Huoai"): ["Cát Tiên", "Đạ Tẻh"],
    ("Bà Rịa - Vũng Tàu", "Long Đất"): ["Đất Đỏ", "Long Điền"],
    ("Bà Rịa - Vũng Tàu", "Phú Mỹ"): ["Tân Thành"],
}

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# In NFC a toned plain a/e/y is one code point ("à"), so "uậ" (a with circumflex) never matches.
_TONED = {unicodedata.normalize("NFC", v + t): (v, t) for v in "aeyAEY" for t in _TONES}
_FINAL_RE = re.compile(r"(?<![qQ])([oOuU])([" + "".join(_TONED) + r"])(?![^\W\d_])")


def official_tones(text: str) -> str:
    """NFC with the tone of a final oa/oe/uy on its first vowel ("Hoà" → "Hòa")."""

    def swap(m: re.Match[str]) -> str:
        vowel, tone = _TONED[m[2]]
        return unicodedata.normalize("NFC", m[1] + tone) + vowel

    return _FINAL_RE.sub(swap, unicodedata.normalize("NFC", text))


def _data_dir() -> Path:
    import vietnamadminunits  # only to locate its files

    return Path(vietnamadminunits.__file__).parent / "data"


def _key(name: str) -> str:
    nfd = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in nfd if not unicodedata.combining(c) and c.isalnum()).lower()


def build(data: Path) -> list[list[str]]:
    db = sqlite3.connect(data / "dataset.db")
    merge = json.loads((data / "converter_2025.json").read_text(encoding="utf-8"))["DICT_PROVINCE"]
    new_short = {
        r[0]: r[1] for r in db.execute("SELECT DISTINCT provinceKey, provinceShort FROM admin_units")
    }
    successor_of_key = {old: new_short[new] for new, olds in merge.items() for old in olds}

    provinces = db.execute(
        "SELECT DISTINCT provinceCode, provinceKey, province, provinceShort FROM admin_units_legacy "
        "ORDER BY provinceCode"
    ).fetchall()
    rows: list[list[str]] = []
    successor: dict[str, str] = {}
    for _code, key, full, short in provinces:
        name = official_tones(short)
        kind = "thành phố" if full.startswith("Thành phố") else "tỉnh"
        succ = official_tones(successor_of_key[key])
        successor[name] = succ
        rows.append(["province", kind, name, "", succ, "|".join(PROVINCE_ALIASES.get(name, []))])

    districts = db.execute(
        "SELECT DISTINCT provinceCode, provinceShort, districtCode, districtType, districtShort "
        "FROM admin_units_legacy ORDER BY provinceCode, districtCode"
    ).fetchall()
    for _pc, prov, _dc, dtype, dshort in districts:
        prov = official_tones(prov)
        name = official_tones(re.sub(r"\s*\(.*\)\s*$", "", dshort))
        if dtype == "Quận" and name.startswith("Quận "):
            name = name[len("Quận ") :]
        aliases = OLD_NAMES.get((prov, name), [])
        rows.append(["district", dtype.lower(), name, prov, successor[prov], "|".join(aliases)])

    for (prov, name), _ in OLD_NAMES.items():
        if not any(r[0] == "district" and r[2] == name and r[3] == prov for r in rows):
            raise SystemExit(f"OLD_NAMES names a unit the package lacks: {prov} / {name}")
    if len({r[2] for r in rows if r[0] == "province"}) != 63 or len(set(successor.values())) != 34:
        raise SystemExit("expected 63 provinces mapped onto 34")
    return rows


HEADER = """\
# Vietnamese administrative units: the 63 provinces and centrally-run cities that existed before
# 1 July 2025 and every district-level unit (huyện, thị xã, thành phố thuộc tỉnh, quận) as it stood
# just before the district level was abolished on 1 July 2025. The 34 provinces after that date are
# the distinct values of `successor`; each is also a row here (they all kept an old name).
# level: province | district. type: tỉnh | thành phố | huyện | thị xã | quận (as documents print it).
# name: without the type word ("Bảo Lạc"; numbered quận are "1", "12"). province: the pre-2025
# province of a district. successor: the province the unit belongs to from 1 July 2025.
# aliases: |-separated older names and variants (matching folds diacritics itself).
# Source: PyPI package vietnamadminunits (MIT; dataset.db table admin_units_legacy and
# converter_2025.json), generated by bench/tools/make_vn_units.py; older names added by hand there.
"""


def render(rows: list[list[str]]) -> str:
    lines = ["\t".join(["level", "type", "name", "province", "successor", "aliases"])]
    lines += ["\t".join(r) for r in rows]
    return HEADER + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, help="the package's data folder (default: import it)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    args = ap.parse_args(argv)
    text = render(build(args.data_dir or _data_dir()))
    if args.check:
        same = args.out.exists() and args.out.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{args.out} differs from the package data")
        return 0 if same else 1
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
