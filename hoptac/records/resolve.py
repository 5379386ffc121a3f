"""Names in an extraction → the office's rows: partners (the foreign side, canonically spelled) and agencies
(one row per body, however a document abbreviates or spells it).

Partner names come from the extractor's vocabulary (``lookup_locality``): "huyén Na Po" is "huyện Na Pô"
(那坡, Napo). Agency names are stored with their abbreviations spelled out ("UBND cấp xã" → "Ủy ban nhân
dân cấp xã") and match an agency already on record when the vocabulary says they name the same body
("Hội LHPN tỉnh" = "Hội Liên hiệp Phụ nữ tỉnh Bắc Giang"; "UBND các huyện, thành phố" = "Ủy ban nhân dân
cấp huyện" only when their levels agree).
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from hoptac.records.models import Agency, Office, Partner, partner_key, partner_level
from hoptac.records.text import fold, name_key

__all__ = [
    "Changes",
    "agency_named",
    "canonical_agency_name",
    "canonical_partner",
    "find_agency",
    "is_foreign",
    "partner_named",
    "proper_case",
]

# What a document did to the rows it shares with other documents (partners, agencies, others' links):
# (row, its earlier values or None when created), for ``log_shared`` to record under that document.
Changes = list[tuple[Any, dict[str, Any] | None]]

_LOWER_WORDS = frozenset(
    ("tỉnh", "huyện", "xã", "phường", "quận", "thị", "trấn", "thành", "phố", "khu", "tự", "trị", "dân", "tộc")
    + ("bang", "châu", "của", "và", "các", "nước", "cộng", "hòa")
)


def is_foreign(country: str | None) -> bool:
    """A party of another country: a partner. Vietnamese parties (and those of no known country) are not."""
    code = (country or "").strip().upper()[:2]
    return bool(code) and code != "VN"


def proper_case(name: str) -> str:
    """ "huyện KÀ LỪM" → "huyện Kà Lừm": a name printed in capitals, cased as names are; others unchanged."""
    name = " ".join(name.split())
    letters = [c for c in name if c.isalpha()]
    if not letters or sum(c.isupper() for c in letters) < 0.6 * len(letters):
        return name
    out = []
    for word in name.split(" "):
        low = word.lower()
        out.append(low if low in _LOWER_WORDS else low[:1].upper() + low[1:])
    return " ".join(out)


def canonical_partner(name: str, country: str) -> tuple[str, str, str]:
    """(name as the vocabulary spells it, native script, romanisation) of a printed party name.

    A locality ("huyện Na Po") takes the vocabulary's spelling with its level word; a body of a locality
    ("Khu ủy Khu tự trị dân tộc Choang Quảng Tây") keeps its name and takes the locality's scripts."""
    from hoptac.extract.vocab import lookup_locality

    printed = proper_case(name)
    try:
        loc = lookup_locality(printed, country=country or None)
    except Exception:  # the vocabulary is a helper: a name it cannot read stays as printed
        loc = None
    if loc is None:
        return printed, "", ""
    native, roman = loc.native or "", loc.romanized or ""
    key = fold(printed)
    level = fold(loc.level)
    rest = key[len(level) :] if key.startswith(level + " ") else key
    if _same_place(rest, (loc.name, loc.romanized or "", *loc.variants)):
        return loc.full_name, native, roman
    return printed, native, roman


def _same_place(printed: str, spellings: tuple[str, ...]) -> bool:
    """Whether ``printed`` (level word removed) is the locality itself, not a body of it ("Tỉnh ủy Quảng
    Ninh"): one of its spellings, spaces and marks aside, or near one (OCR: "Bach Sic")."""
    from rapidfuzz import fuzz

    mine = name_key(printed).replace(" ", "")
    if not mine:
        return False
    for spelling in spellings:
        theirs = name_key(spelling).replace(" ", "")
        if not theirs:
            continue
        if mine == theirs or (len(mine) >= 5 and abs(len(mine) - len(theirs)) <= 1 and fuzz.ratio(mine, theirs) >= 80):
            return True
    return False


def partner_named(office: Office, name: str, country: str, changes: Changes | None = None) -> Partner:
    """The office's partner ``name`` names (canonically spelled), made on first mention."""
    country = (country or "").strip().upper()[:2]
    canonical, native, roman = canonical_partner(name, country)
    keys = {partner_key(canonical), partner_key(name)}
    partner = Partner.objects.filter(office=office, key__in=keys, country=country).order_by("id").first()
    if partner is None:
        partner = Partner.objects.create(
            office=office,
            name=canonical[:300],
            country=country,
            level=partner_level(canonical),
            native_name=native[:300],
            romanization=roman[:300],
            aliases=[name] if name != canonical else [],
        )
        if changes is not None:
            changes.append((partner, None))
        return partner
    before = {
        "aliases": list(partner.aliases),
        "native_name": partner.native_name,
        "romanization": partner.romanization,
    }
    fields = []
    for spelling in (name, canonical):
        if spelling != partner.name and spelling not in partner.aliases:
            partner.aliases = [*partner.aliases, spelling]
            fields.append("aliases")
    if native and not partner.native_name:
        partner.native_name = native[:300]
        fields.append("native_name")
    if roman and not partner.romanization:
        partner.romanization = roman[:300]
        fields.append("romanization")
    if fields:
        partner.save(update_fields=sorted(set(fields)))
        if changes is not None:
            changes.append((partner, before))
    return partner


# ---------------------------------------------------------------------------------------------- agencies

_LEVEL_HEAD = re.compile(r"^(tinh|thanh pho|huyen|thi xa|quan|xa|phuong|thi tran|tp|tx)\b\s*")


def canonical_agency_name(name: str) -> str:
    """The name as stored: spaces tidied, abbreviations spelled out ("Văn phòng UBND tỉnh" → "Văn phòng Ủy
    ban nhân dân tỉnh")."""
    from hoptac.extract.vocab import expand_abbreviations

    name = " ".join(name.split())
    with contextlib.suppress(Exception):  # the vocabulary is a helper: a name it cannot read stays as typed
        name = expand_abbreviations(name)
    return " ".join(name.split())[:300]


def _signature(name: str) -> tuple[Any, ...] | None:
    """What identifies the body ``name`` names, whatever its spelling: the vocabulary's agency and the place
    after it ("" when none is printed), or the levels of a group of committees; None when unknown."""
    from hoptac.extract.agencies import group_levels
    from hoptac.extract.vocab import expand_abbreviations, match_agency

    try:
        groups = group_levels(name)
        if groups is not None:
            return ("group", groups)
        vocab = match_agency(name)
    except Exception:
        return None
    if vocab is None:
        return None
    key = name_key(name)
    for spelling in (vocab.name, *vocab.aliases):
        for variant in (spelling, expand_abbreviations(spelling)):
            head = name_key(variant)
            if head and (key == head or key.startswith(head + " ")):
                rest = key[len(head) :].strip()
                m = _LEVEL_HEAD.match(rest)
                level = m[1] if m else ""
                return ("agency", vocab.name, level, rest[m.end() :].strip() if m else rest)
    return ("agency", vocab.name, "", "")  # matched despite OCR damage: where it sits is not known


def _same_body(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "group":
        return bool(a[1] == b[1])
    if a[1] != b[1]:
        return False
    # A level or place not printed goes with any: "Sở Ngoại vụ" = "Sở Ngoại vụ tỉnh Bắc Giang", but
    # "Ủy ban nhân dân tỉnh" is not "Ủy ban nhân dân huyện Bảo Lạc".
    return all(not x or not y or x == y for x, y in ((a[2], b[2]), (a[3], b[3])))


def find_agency(office: Office | None, name: str) -> Agency | None:
    """The office's agency ``name`` names: same key (any spelling, with or without diacritics), a known other
    name, the same name with its abbreviations spelled out, or the same body by the vocabulary."""
    if office is None or not name.strip():
        return None
    full = canonical_agency_name(name)
    keys = {name_key(name), name_key(full)}
    found = Agency.objects.filter(office=office, key__in=keys).order_by("id").first()
    if found is not None:
        return found
    agencies = list(Agency.objects.filter(office=office).only("id", "name", "key", "aliases", "office_id"))
    for agency in agencies:
        if any(name_key(a) in keys or name_key(canonical_agency_name(a)) in keys for a in agency.aliases):
            return agency
    sig = _signature(full)
    if sig is None:
        return None
    for agency in agencies:
        other = _signature(agency.name)
        if other is not None and _same_body(sig, other):
            return agency
    return None


def agency_named(office: Office, name: str, changes: Changes | None = None) -> Agency:
    """The office's agency of that name (spelling variant, abbreviation, same body by the vocabulary), made on
    first mention with its abbreviations spelled out; ``changes`` collects what was created or given a new
    alias, for the audit log."""
    agency = find_agency(office, name)
    if agency is None:
        agency = Agency.objects.create(office=office, name=canonical_agency_name(name))
        if changes is not None:
            changes.append((agency, None))
        return agency
    printed = " ".join(name.split())
    if printed != agency.name and printed not in agency.aliases:
        before = {"aliases": list(agency.aliases)}
        agency.aliases = [*agency.aliases, printed]
        agency.save(update_fields=["aliases"])
        if changes is not None:
            changes.append((agency, before))
    return agency
