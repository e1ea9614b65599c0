"""Load administrative units from the public dvhcvn JSON files.

Two files describe the country: the three-tier structure before the 2025 reform
(`vn_units_pre2025.json`: provinces → districts → communes) and the two-tier structure from
1 July 2025 (`vn_units_2025_merges.json`: provinces → communes, each with the old units it was
formed from). Every old unit ends on 30 June 2025, every new one starts on 1 July 2025, and the
merges become `UnitSuccession` rows. Loading is strict and all-or-nothing; loading the same files
again changes nothing. A file whose name ends in ".gz" is read through gzip.
"""

import datetime
import gzip
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import CODE_LENGTH, REFORM_2025, AdministrativeUnit, Level, UnitSuccession

LAST_DAY_BEFORE_REFORM = REFORM_2025 - datetime.timedelta(days=1)
NAME_LENGTH = AdministrativeUnit._meta.get_field("name").max_length
BUNDLED_DATA = Path(__file__).resolve().parent / "data"
# Prefixes by which the post-2025 file names its units; it has no separate type field.
KIND_PREFIXES = ("Thành phố", "Tỉnh", "Đặc khu", "Phường", "Xã", "Thị trấn")


class UnitDataError(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class UnitRecord:
    level: int
    code: str
    name: str
    kind: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    parent_key: tuple | None = None

    @property
    def key(self):
        return (self.level, self.code, self.valid_from)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    successions: int = 0
    provinces: list = field(default_factory=list)


def _kind_from_name(name):
    for prefix in KIND_PREFIXES:
        if name.startswith(prefix + " "):
            return prefix
    return ""


def _open_text(path):
    if str(path).endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def _read_json(path, problems):
    try:
        with _open_text(path) as handle:
            document = json.load(handle)
    # gzip raises OSError (BadGzipFile) for a file that is not gzip, EOFError when truncated.
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError) as error:
        problems.append(
            _("%(file)s: cannot read the file (%(error)s).") % {"file": path, "error": error}
        )
        return None
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        problems.append(_("%(file)s: expected an object with a “data” list.") % {"file": path})
        return None
    return document["data"]


def _is_ascii_digits(code):
    # str.isdigit() also accepts full-width and superscript digits (“０３１７２”, “²”).
    return isinstance(code, str) and code.isascii() and code.isdigit()


def _check_code(code, level, where, problems):
    if not _is_ascii_digits(code) or len(code) != CODE_LENGTH[level]:
        problems.append(
            _("%(where)s: code “%(code)s” must be %(length)d digits.")
            % {"where": where, "code": code, "length": CODE_LENGTH[level]}
        )
        return False
    return True


def _check_name(name, where, problems):
    if not isinstance(name, str) or not name.strip():
        problems.append(_("%(where)s: the name is missing.") % {"where": where})
        return False
    if len(name) > NAME_LENGTH:
        problems.append(
            _("%(where)s: the name is longer than %(length)d characters.")
            % {"where": where, "length": NAME_LENGTH}
        )
        return False
    return True


def _objects(items, where, problems):
    """(position, item) for each object of a list; anything else is reported."""
    if items is None:
        return []
    if not isinstance(items, list):
        problems.append(_("%(where)s: expected a list.") % {"where": where})
        return []
    found = []
    for index, item in enumerate(items, 1):
        if isinstance(item, dict):
            found.append((index, item))
        else:
            problems.append(
                _("%(where)s[%(index)d]: expected an object.") % {"where": where, "index": index}
            )
    return found


def _check_new_key(key, records, where, problems):
    if key in records:
        problems.append(
            _("%(where)s: code %(code)s appears twice.") % {"where": where, "code": key[1]}
        )


def parse_previous(data, path, problems):
    """Records of the pre-2025 file by (level, code), with a commune → province index."""
    records = {}
    for p_index, province in _objects(data, str(path), problems):
        where = f"{path} [{p_index}]"
        code, name = province.get("level1_id"), province.get("name")
        if not (
            _check_code(code, Level.PROVINCE, where, problems)
            and _check_name(name, where, problems)
        ):
            continue
        p_rec = UnitRecord(
            Level.PROVINCE, code, name, province.get("type") or "", None, LAST_DAY_BEFORE_REFORM
        )
        _check_new_key((Level.PROVINCE, code), records, where, problems)
        records[(Level.PROVINCE, code)] = (p_rec, code)
        for d_index, district in _objects(province.get("level2s"), f"{where} level2s", problems):
            d_where = f"{where} level2s[{d_index}]"
            d_code, d_name = district.get("level2_id"), district.get("name")
            if not (
                _check_code(d_code, Level.DISTRICT, d_where, problems)
                and _check_name(d_name, d_where, problems)
            ):
                continue
            d_rec = UnitRecord(
                Level.DISTRICT,
                d_code,
                d_name,
                district.get("type") or "",
                None,
                LAST_DAY_BEFORE_REFORM,
                p_rec.key,
            )
            _check_new_key((Level.DISTRICT, d_code), records, d_where, problems)
            records[(Level.DISTRICT, d_code)] = (d_rec, code)
            for c_index, commune in _objects(
                district.get("level3s"), f"{d_where} level3s", problems
            ):
                c_where = f"{d_where} level3s[{c_index}]"
                c_code, c_name = commune.get("level3_id"), commune.get("name")
                if not (
                    _check_code(c_code, Level.COMMUNE, c_where, problems)
                    and _check_name(c_name, c_where, problems)
                ):
                    continue
                _check_new_key((Level.COMMUNE, c_code), records, c_where, problems)
                c_rec = UnitRecord(
                    Level.COMMUNE,
                    c_code,
                    c_name,
                    commune.get("type") or "",
                    None,
                    LAST_DAY_BEFORE_REFORM,
                    d_rec.key,
                )
                records[(Level.COMMUNE, c_code)] = (c_rec, code)
    return records


def parse_current(data, path, province_codes, problems):
    """Records of the post-2025 file and the merges: (new key, old level, old code, share)."""
    records, merges = [], []
    seen = set()
    for p_index, province in _objects(data, str(path), problems):
        where = f"{path} [{p_index}]"
        code, name = province.get("level1_id"), province.get("name")
        if not (
            _check_code(code, Level.PROVINCE, where, problems)
            and _check_name(name, where, problems)
        ):
            continue
        _check_new_key((Level.PROVINCE, code), seen, where, problems)
        seen.add((Level.PROVINCE, code))
        if province_codes and code not in province_codes:
            continue
        p_rec = UnitRecord(Level.PROVINCE, code, name, _kind_from_name(name), REFORM_2025, None)
        records.append(p_rec)
        merges += _merges_of(province, p_rec, where, problems)
        for c_index, commune in _objects(province.get("level2s"), f"{where} level2s", problems):
            c_where = f"{where} level2s[{c_index}]"
            c_code, c_name = commune.get("level2_id"), commune.get("name")
            if not (
                _check_code(c_code, Level.COMMUNE, c_where, problems)
                and _check_name(c_name, c_where, problems)
            ):
                continue
            _check_new_key((Level.COMMUNE, c_code), seen, c_where, problems)
            seen.add((Level.COMMUNE, c_code))
            c_rec = UnitRecord(
                Level.COMMUNE, c_code, c_name, _kind_from_name(c_name), REFORM_2025, None, p_rec.key
            )
            records.append(c_rec)
            merges += _merges_of(commune, c_rec, c_where, problems)
    if province_codes:
        missing = set(province_codes) - {r.code for r in records if r.level == Level.PROVINCE}
        for code in sorted(missing):
            problems.append(
                _("%(file)s: province %(code)s is not in the file.") % {"file": path, "code": code}
            )
    return records, merges


def _merges_of(item, record, where, problems):
    found = []
    for m_index, merge in _objects(item.get("merges"), f"{where} merges", problems):
        old_code, share = merge.get("old_id"), merge.get("type")
        m_where = f"{where} merges[{m_index}]"
        if share not in UnitSuccession.Share.values:
            problems.append(
                _("%(where)s: unknown merge type “%(type)s”.") % {"where": m_where, "type": share}
            )
            continue
        old_level = _is_ascii_digits(old_code) and {
            2: Level.PROVINCE,
            3: Level.DISTRICT,
            5: Level.COMMUNE,
        }.get(len(old_code))
        if not old_level:
            problems.append(
                _("%(where)s: former code “%(code)s” is not valid.")
                % {"where": m_where, "code": old_code}
            )
            continue
        found.append((record.key, old_level, old_code, share, m_where))
    return found


def load_units(current_path, previous_path, province_codes=None):
    """Load the given provinces (all when None) with their pre-2025 predecessors."""
    problems = []
    province_codes = set(province_codes or [])
    current_data = _read_json(current_path, problems)
    previous_data = _read_json(previous_path, problems)
    if problems:
        raise UnitDataError(problems)
    previous = parse_previous(previous_data, previous_path, problems)
    records, merges = parse_current(current_data, current_path, province_codes, problems)

    # The old provinces to load: those any merge in the selection reaches into.
    old_provinces = set()
    for _key, old_level, old_code, _share, m_where in merges:
        if (old_level, old_code) not in previous:
            problems.append(
                _("%(where)s: former unit %(code)s is not in %(file)s.")
                % {"where": m_where, "code": old_code, "file": previous_path}
            )
        else:
            old_provinces.add(previous[(old_level, old_code)][1])
    if problems:
        raise UnitDataError(problems)
    old_records = [rec for rec, province in previous.values() if province in old_provinces]

    report = LoadReport(provinces=sorted(r.code for r in records if r.level == Level.PROVINCE))
    with transaction.atomic():
        saved = _save_records(sorted(old_records + records, key=lambda r: r.level), report)
        successions = [
            UnitSuccession(
                predecessor=saved[(old_level, old_code, None)],
                successor=saved[new_key],
                share=share,
                effective_on=REFORM_2025,
            )
            for new_key, old_level, old_code, share, _where in merges
        ]
        existing = {
            (pred, succ): (pk, share)
            for pk, pred, succ, share in UnitSuccession.objects.filter(
                successor__in=[saved[r.key] for r in records]
            ).values_list("pk", "predecessor_id", "successor_id", "share")
        }
        wanted = {(s.predecessor.pk, s.successor.pk) for s in successions}
        # A link the corrected data no longer has must go, or history would keep the error.
        stale = [pk for link, (pk, _share) in existing.items() if link not in wanted]
        UnitSuccession.objects.filter(pk__in=stale).delete()
        to_create, to_update = [], []
        for succession in successions:
            pk, share = existing.get(
                (succession.predecessor.pk, succession.successor.pk), (None, None)
            )
            if pk is None:
                to_create.append(succession)
            elif share != succession.share:
                succession.pk = pk
                to_update.append(succession)
        UnitSuccession.objects.bulk_create(to_create, batch_size=1000)
        UnitSuccession.objects.bulk_update(to_update, ["share"], batch_size=1000)
        report.successions = len(successions)
    return report


def _save_records(records, report):
    """Create or update units, parents before children; return them by key."""
    codes = {r.code for r in records}
    saved = {
        (u.level, u.code, u.valid_from): u
        for u in AdministrativeUnit.objects.filter(code__in=codes)
    }
    fields = ["name", "kind", "valid_to", "parent"]
    for level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE):
        to_create, to_update = [], []
        for rec in (r for r in records if r.level == level):
            parent = saved[rec.parent_key] if rec.parent_key else None
            unit = saved.get(rec.key)
            if unit is None:
                unit = AdministrativeUnit(
                    level=rec.level,
                    code=rec.code,
                    name=rec.name,
                    kind=rec.kind,
                    valid_from=rec.valid_from,
                    valid_to=rec.valid_to,
                    parent=parent,
                )
                to_create.append(unit)
                saved[rec.key] = unit
            elif (unit.name, unit.kind, unit.valid_to, unit.parent_id) != (
                rec.name,
                rec.kind,
                rec.valid_to,
                parent.pk if parent else None,
            ):
                unit.name, unit.kind, unit.valid_to, unit.parent = (
                    rec.name,
                    rec.kind,
                    rec.valid_to,
                    parent,
                )
                to_update.append(unit)
            else:
                report.unchanged += 1
        AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
        AdministrativeUnit.objects.bulk_update(to_update, fields, batch_size=1000)
        report.created += len(to_create)
        report.updated += len(to_update)
    return saved


NATIONAL_CURRENT = BUNDLED_DATA / "vn_units_2025_merges.json.gz"
NATIONAL_PREVIOUS = BUNDLED_DATA / "vn_units_pre2025.json.gz"


def load_bundled_national(province_codes=None):
    """The whole country (or the given provinces), from the full files shipped with the project:
    34 provinces and 3,321 communes, with the 63 provinces, districts and communes before."""
    return load_units(NATIONAL_CURRENT, NATIONAL_PREVIOUS, province_codes)


def load_bundled_dien_bien():
    """Điện Biên (province 11), from the extract shipped with the project."""
    return load_units(
        BUNDLED_DATA / "dien_bien_2025.json", BUNDLED_DATA / "dien_bien_pre2025.json", {"11"}
    )
