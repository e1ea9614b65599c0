import datetime
import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from units.loader import (
    BUNDLED_DATA,
    NATIONAL_CURRENT,
    NATIONAL_PREVIOUS,
    UnitDataError,
    load_bundled_dien_bien,
    load_units,
)
from units.models import REFORM_2025, AdministrativeUnit, Level, UnitSuccession

LAST_DAY_BEFORE = datetime.date(2025, 6, 30)
BUNDLED_CURRENT = BUNDLED_DATA / "dien_bien_2025.json"
BUNDLED_PREVIOUS = BUNDLED_DATA / "dien_bien_pre2025.json"


def old_unit(code, level=Level.COMMUNE):
    return AdministrativeUnit.objects.get(level=level, code=code, valid_to=LAST_DAY_BEFORE)


def new_unit(code, level=Level.COMMUNE):
    return AdministrativeUnit.objects.get(level=level, code=code, valid_from=REFORM_2025)


def predecessor_codes(unit):
    return set(unit.predecessions.values_list("predecessor__code", flat=True))


def unit_counts():
    return AdministrativeUnit.objects.count(), UnitSuccession.objects.count()


# --- The bundled Điện Biên extract -------------------------------------------------------------


def test_dien_bien_has_45_communes_in_force_and_129_before_the_reform(dien_bien):
    province = AdministrativeUnit.objects.current().get(level=Level.PROVINCE, code="11")
    assert province.children.count() == 45
    before = AdministrativeUnit.objects.current(on=datetime.date(2025, 6, 30))
    assert before.communes().filter(parent__parent__code="11").count() == 129
    assert before.filter(level=Level.DISTRICT).count() == 10


def test_dien_bien_new_units_start_on_1_july_2025_and_old_units_end_the_day_before(dien_bien):
    new_province = new_unit("11", Level.PROVINCE)
    assert new_province.name == "Tỉnh Điện Biên"
    assert new_province.kind == "Tỉnh"
    assert new_province.parent is None
    new_communes = AdministrativeUnit.objects.filter(parent=new_province)
    assert new_communes.count() == 45
    assert set(new_communes.values_list("level", "valid_from", "valid_to")) == {
        (Level.COMMUNE, REFORM_2025, None)
    }

    old_province = old_unit("11", Level.PROVINCE)
    assert old_province.pk != new_province.pk
    old_tree = AdministrativeUnit.objects.within(old_province)
    assert old_tree.count() == 1 + 10 + 129
    assert set(old_tree.values_list("valid_from", "valid_to")) == {(None, LAST_DAY_BEFORE)}


def test_dien_bien_kinds_come_from_the_new_names_and_from_the_old_types(dien_bien):
    assert new_unit("03172").kind == "Xã"
    assert new_unit("03166").kind == "Xã"
    assert old_unit("03172").kind == "Thị trấn"
    assert old_unit("097", Level.DISTRICT).kind == "Huyện"
    new_kinds = set(
        AdministrativeUnit.objects.filter(parent=new_unit("11", Level.PROVINCE)).values_list(
            "kind", flat=True
        )
    )
    assert "" not in new_kinds
    assert new_kinds <= {"Xã", "Phường", "Đặc khu"}


def test_code_03172_names_the_old_town_of_muong_cha_and_the_new_commune_of_na_sang(dien_bien):
    units = AdministrativeUnit.objects.filter(level=Level.COMMUNE, code="03172").order_by(
        "valid_to"
    )
    assert units.count() == 2
    old, new = old_unit("03172"), new_unit("03172")

    # The source file writes “Thị Trấn” with a capital T; the loader keeps names as written.
    assert old.name.casefold() == "thị trấn mường chà"
    assert (old.valid_from, old.valid_to) == (None, LAST_DAY_BEFORE)
    assert old.parent.level == Level.DISTRICT
    assert old.parent.code == "097"
    assert old.parent.name == "Huyện Mường Chà"

    assert new.name == "Xã Na Sang"
    assert (new.valid_from, new.valid_to) == (REFORM_2025, None)
    assert new.parent == new_unit("11", Level.PROVINCE)

    assert AdministrativeUnit.objects.current().get(code="03172") == new
    assert AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE).get(code="03172") == old


def test_old_huoi_leng_went_wholly_into_the_new_muong_tung(dien_bien):
    succession = UnitSuccession.objects.get(
        predecessor=old_unit("03196"), successor=new_unit("03181")
    )
    assert succession.predecessor.name == "Xã Huổi Lèng"
    assert succession.successor.name == "Xã Mường Tùng"
    assert succession.share == UnitSuccession.Share.FULL
    assert succession.effective_on == REFORM_2025
    assert predecessor_codes(new_unit("03181")) == {"03181", "03196"}
    # The whole of Huổi Lèng went into Mường Tùng and nowhere else.
    assert list(old_unit("03196").successions.values_list("successor__code", flat=True)) == [
        "03181"
    ]


def test_new_muong_cha_was_not_formed_from_the_old_town_of_muong_cha(dien_bien):
    new_muong_cha = new_unit("03166")
    assert new_muong_cha.name == "Xã Mường Chà"
    old_town = old_unit("03172")
    assert not new_muong_cha.predecessions.filter(predecessor=old_town).exists()
    assert predecessor_codes(new_muong_cha) == {"03156", "03165", "03166", "03187"}
    # The old town went into Na Sang, which reuses its code.
    assert [s.successor for s in old_town.successions.all()] == [new_unit("03172")]
    assert predecessor_codes(new_unit("03172")) == {"03172", "03197", "03200", "03201"}


def test_every_new_dien_bien_unit_has_a_predecessor_and_every_old_commune_a_successor(dien_bien):
    new_province = new_unit("11", Level.PROVINCE)
    without_predecessor = AdministrativeUnit.objects.within(new_province).filter(
        predecessions__isnull=True
    )
    assert list(without_predecessor) == []
    assert predecessor_codes(new_province) == {"11"}
    old_without_successor = AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE).filter(
        level=Level.COMMUNE, successions__isnull=True
    )
    assert list(old_without_successor) == []


def test_loading_dien_bien_twice_changes_nothing(db):
    first = load_bundled_dien_bien()
    assert first.created == 1 + 10 + 129 + 1 + 45
    assert first.provinces == ["11"]
    counts = unit_counts()
    snapshot = set(
        AdministrativeUnit.objects.values_list(
            "pk", "code", "name", "kind", "valid_from", "valid_to", "parent_id"
        )
    )
    links = set(UnitSuccession.objects.values_list("pk", "predecessor_id", "successor_id", "share"))

    second = load_bundled_dien_bien()

    assert second.created == 0
    assert second.updated == 0
    assert second.unchanged == first.created
    assert second.successions == first.successions
    assert unit_counts() == counts
    assert (
        set(
            AdministrativeUnit.objects.values_list(
                "pk", "code", "name", "kind", "valid_from", "valid_to", "parent_id"
            )
        )
        == snapshot
    )
    assert (
        set(UnitSuccession.objects.values_list("pk", "predecessor_id", "successor_id", "share"))
        == links
    )


def test_the_command_loads_the_bundled_dien_bien_extract_by_default(db):
    out = StringIO()
    with translation.override("en"):
        call_command("load_admin_units", stdout=out)
    assert AdministrativeUnit.objects.current().get(level=Level.PROVINCE).code == "11"
    assert AdministrativeUnit.objects.current().communes().count() == 45
    assert (
        "Provinces 11: 186 units created, 0 updated, 0 unchanged; 130 old→new links."
        in out.getvalue()
    )

    out = StringIO()
    with translation.override("en"):
        call_command("load_admin_units", stdout=out)
    assert "0 units created, 0 updated, 186 unchanged" in out.getvalue()


def write_json(path, document):
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def bundled_document(path=BUNDLED_CURRENT):
    return json.loads(path.read_text(encoding="utf-8"))


def commune_index(document, code):
    """1-based position of a new commune in the current file, as the loader reports it."""
    communes = document["data"][0]["level2s"]
    return next(i for i, c in enumerate(communes, 1) if c["level2_id"] == code)


def test_reloading_a_corrected_file_updates_names_and_shares_in_place(dien_bien, tmp_path):
    document = bundled_document()
    communes = document["data"][0]["level2s"]
    muong_tung = communes[commune_index(document, "03181") - 1]
    muong_tung["name"] = "Phường Mường Tùng"
    huoi_leng = next(m for m in muong_tung["merges"] if m["old_id"] == "03196")
    huoi_leng["type"] = "partial"
    counts = unit_counts()
    unit_pk = new_unit("03181").pk

    report = load_units(write_json(tmp_path / "current.json", document), BUNDLED_PREVIOUS, ["11"])

    assert (report.created, report.updated) == (0, 1)
    assert unit_counts() == counts
    renamed = new_unit("03181")
    assert renamed.pk == unit_pk
    assert (renamed.name, renamed.kind) == ("Phường Mường Tùng", "Phường")
    succession = UnitSuccession.objects.get(predecessor=old_unit("03196"), successor=renamed)
    assert succession.share == UnitSuccession.Share.PARTIAL


# --- Strictness: any problem and nothing is saved ----------------------------------------------


def _set_commune(code, key, value):
    def mutate(document):
        document["data"][0]["level2s"][commune_index(document, code) - 1][key] = value

    return mutate


def _set_merge(code, old_code, key, value):
    def mutate(document):
        commune = document["data"][0]["level2s"][commune_index(document, code) - 1]
        next(m for m in commune["merges"] if m["old_id"] == old_code)[key] = value

    return mutate


def _drop_commune_name(code):
    def mutate(document):
        del document["data"][0]["level2s"][commune_index(document, code) - 1]["name"]

    return mutate


CORRUPTIONS = {
    "a commune code with 4 digits": (_set_commune("03181", "level2_id", "3181"), "03181", "3181"),
    "a commune code in full-width digits": (
        _set_commune("03181", "level2_id", "０３１８１"),
        "03181",
        "０３１８１",
    ),
    "a commune code given as a number": (_set_commune("03181", "level2_id", 3181), "03181", "3181"),
    "a merge pointing at an unknown old code": (
        _set_merge("03181", "03196", "old_id", "03999"),
        "03181",
        "03999",
    ),
    "a merge whose old code is a number": (
        _set_merge("03181", "03196", "old_id", 3196),
        "03181",
        "3196",
    ),
    "a commune code with a superscript digit": (
        _set_commune("03181", "level2_id", "0318¹"),
        "03181",
        "0318¹",
    ),
    "a merge of an unknown type": (
        _set_merge("03181", "03196", "type", "most"),
        "03181",
        "most",
    ),
    "a commune without a name": (_drop_commune_name("03166"), "03166", None),
    "a commune with a blank name": (_set_commune("03166", "name", "   "), "03166", None),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS), ids=list(CORRUPTIONS))
def test_a_corrupted_current_file_is_refused_with_the_position_of_the_problem(
    dien_bien, tmp_path, corruption
):
    mutate, commune_code, shown = CORRUPTIONS[corruption]
    document = bundled_document()
    position = f"[1] level2s[{commune_index(document, commune_code)}]"
    mutate(document)
    # A valid change in the same file must not be saved either.
    document["data"][0]["level2s"][commune_index(document, "03172") - 1]["name"] = "Xã Na Sang Mới"
    document["data"][0]["level2s"].append(
        {"level2_id": "03999", "name": "Xã Mới", "merges": [{"old_id": "03202", "type": "full"}]}
    )
    path = write_json(tmp_path / "current.json", document)
    counts = unit_counts()

    with pytest.raises(UnitDataError) as raised:
        load_units(path, BUNDLED_PREVIOUS, ["11"])

    problems = [p for p in raised.value.problems if position in p]
    assert problems, raised.value.problems
    assert str(path) in problems[0]
    if shown is not None:
        assert shown in problems[0]
    assert unit_counts() == counts
    assert new_unit("03172").name == "Xã Na Sang"
    assert not AdministrativeUnit.objects.filter(code="03999").exists()


def test_the_command_reports_every_problem_of_a_corrupted_file_and_loads_nothing(db, tmp_path):
    document = bundled_document()
    four_digits = commune_index(document, "03181")
    unnamed = commune_index(document, "03166")
    _set_commune("03181", "level2_id", "3181")(document)
    _drop_commune_name("03166")(document)
    path = write_json(tmp_path / "current.json", document)

    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "load_admin_units",
            current=str(path),
            previous=str(BUNDLED_PREVIOUS),
            provinces=["11"],
        )

    message = str(raised.value)
    assert message.startswith("Nothing was loaded:")
    assert f"{path} [1] level2s[{four_digits}]: code “3181” must be 5 digits." in message
    assert f"{path} [1] level2s[{unnamed}]: the name is missing." in message
    assert unit_counts() == (0, 0)


def test_a_merge_pointing_at_an_unknown_old_unit_names_the_old_code_and_the_file(db, tmp_path):
    document = bundled_document()
    index = commune_index(document, "03181")
    _set_merge("03181", "03196", "old_id", "03999")(document)
    path = write_json(tmp_path / "current.json", document)

    with translation.override("en"), pytest.raises(UnitDataError) as raised:
        load_units(path, BUNDLED_PREVIOUS, ["11"])

    assert raised.value.problems == [
        f"{path} [1] level2s[{index}] merges[2]: former unit 03999 is not in {BUNDLED_PREVIOUS}."
    ]
    assert unit_counts() == (0, 0)


def test_a_file_that_is_not_json_is_refused_with_the_line_of_the_error(dien_bien, tmp_path):
    path = tmp_path / "current.json"
    text = BUNDLED_CURRENT.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    counts = unit_counts()

    with pytest.raises(CommandError) as raised:
        call_command(
            "load_admin_units", current=str(path), previous=str(BUNDLED_PREVIOUS), provinces=["11"]
        )

    message = str(raised.value)
    assert str(path) in message
    assert re.search(r"line \d+ column \d+", message)
    assert unit_counts() == counts


def test_a_file_that_does_not_exist_is_refused(db, tmp_path):
    missing = tmp_path / "nowhere.json"
    with pytest.raises(UnitDataError) as raised:
        load_units(BUNDLED_CURRENT, missing)
    assert len(raised.value.problems) == 1
    assert str(missing) in raised.value.problems[0]
    assert unit_counts() == (0, 0)


def test_a_json_file_without_a_data_list_is_refused(db, tmp_path):
    path = write_json(tmp_path / "current.json", [{"level1_id": "11"}])
    with translation.override("en"), pytest.raises(UnitDataError) as raised:
        load_units(path, BUNDLED_PREVIOUS)
    assert raised.value.problems == [f"{path}: expected an object with a “data” list."]
    assert unit_counts() == (0, 0)


def test_a_requested_province_that_is_not_in_the_file_is_refused(db):
    with translation.override("en"), pytest.raises(CommandError) as raised:
        call_command(
            "load_admin_units",
            current=str(BUNDLED_CURRENT),
            previous=str(BUNDLED_PREVIOUS),
            provinces=["11", "99"],
        )
    assert f"{BUNDLED_CURRENT}: province 99 is not in the file." in str(raised.value)
    # Điện Biên is in the file, but nothing is loaded when any requested province is missing.
    assert unit_counts() == (0, 0)


def test_a_corrupted_previous_file_is_refused_with_the_position_of_the_problem(db, tmp_path):
    document = bundled_document(BUNDLED_PREVIOUS)
    districts = document["data"][0]["level2s"]
    d_index = next(i for i, d in enumerate(districts, 1) if d["level2_id"] == "097")
    communes = districts[d_index - 1]["level3s"]
    c_index = next(i for i, c in enumerate(communes, 1) if c["level3_id"] == "03172")
    communes[c_index - 1]["level3_id"] = "3172"
    path = write_json(tmp_path / "previous.json", document)

    with translation.override("en"), pytest.raises(UnitDataError) as raised:
        load_units(BUNDLED_CURRENT, path, ["11"])

    assert (
        f"{path} [1] level2s[{d_index}] level3s[{c_index}]: code “3172” must be 5 digits."
        in raised.value.problems
    )
    # The merge into Na Sang now points at an old unit the file does not have.
    assert any("03172" in p and str(path) in p for p in raised.value.problems[1:])
    assert unit_counts() == (0, 0)


def test_a_code_appearing_twice_in_the_current_file_is_refused(db, tmp_path):
    document = bundled_document()
    communes = document["data"][0]["level2s"]
    communes.append(dict(communes[0], name="Xã Trùng Mã"))
    path = write_json(tmp_path / "current.json", document)

    with translation.override("en"), pytest.raises(UnitDataError) as raised:
        load_units(path, BUNDLED_PREVIOUS, ["11"])

    code = communes[0]["level2_id"]
    assert raised.value.problems == [
        f"{path} [1] level2s[{len(communes)}]: code {code} appears twice."
    ]
    assert unit_counts() == (0, 0)


def test_an_old_unit_with_a_null_type_loads_with_an_empty_kind(db, tmp_path):
    document = bundled_document(BUNDLED_PREVIOUS)
    document["data"][0]["level2s"][0]["level3s"][0]["type"] = None
    code = document["data"][0]["level2s"][0]["level3s"][0]["level3_id"]
    path = write_json(tmp_path / "previous.json", document)

    load_units(BUNDLED_CURRENT, path, ["11"])

    assert old_unit(code).kind == ""


# --- The national files ------------------------------------------------------------------------


@pytest.fixture
def national_files():
    """The whole country's files as the project ships them (units/data/, gzip-compressed),
    named on the command line as an operator would name other files."""
    return SimpleNamespace(current=NATIONAL_CURRENT, previous=NATIONAL_PREVIOUS)


def load_national(files, *provinces):
    out = StringIO()
    with translation.override("en"):
        call_command(
            "load_admin_units",
            current=str(files.current),
            previous=str(files.previous),
            provinces=list(provinces) or None,
            stdout=out,
        )
    return out.getvalue()


def old_provinces_loaded():
    return dict(
        AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE)
        .provinces()
        .values_list("code", "name")
    )


def test_loading_tuyen_quang_08_also_loads_ha_giang_02_which_it_absorbed(db, national_files):
    output = load_national(national_files, "08")

    assert output.startswith("Provinces 08:")
    assert list(AdministrativeUnit.objects.current().provinces().values_list("code", "name")) == [
        ("08", "Tỉnh Tuyên Quang")
    ]
    assert AdministrativeUnit.objects.current().communes().count() == 124
    assert old_provinces_loaded() == {"02": "Tỉnh Hà Giang", "08": "Tỉnh Tuyên Quang"}
    for code, districts, communes in (("02", 11, 193), ("08", 7, 137)):
        tree = AdministrativeUnit.objects.within(old_unit(code, Level.PROVINCE))
        assert tree.filter(level=Level.DISTRICT).count() == districts
        assert tree.filter(level=Level.COMMUNE).count() == communes
    new_province = new_unit("08", Level.PROVINCE)
    assert set(new_province.predecessions.values_list("predecessor__code", "share")) == {
        ("02", "full"),
        ("08", "full"),
    }


def test_tuyen_quang_communes_succeed_old_communes_of_both_old_provinces(db, national_files):
    load_national(national_files, "08")

    new_province = new_unit("08", Level.PROVINCE)
    old_provinces_of_predecessors = set(
        UnitSuccession.objects.filter(successor__parent=new_province).values_list(
            "predecessor__parent__parent__code", flat=True
        )
    )
    assert old_provinces_of_predecessors == {"02", "08"}

    # Xã Đồng Văn, now in Tuyên Quang, was formed from communes of the old Hà Giang.
    dong_van = new_unit("00721")
    assert dong_van.parent == new_province
    assert dong_van.predecessions.count() == 5
    assert set(
        dong_van.predecessions.values_list("predecessor__parent__parent__name", flat=True)
    ) == {"Tỉnh Hà Giang"}

    # Code reuse again: the new Phường Minh Xuân (02215) took the code of old Phường Ỷ La.
    minh_xuan = new_unit("02215")
    assert minh_xuan.name == "Phường Minh Xuân"
    assert old_unit("02215").name == "Phường Ỷ La"
    assert {"02203", "02215"} <= predecessor_codes(minh_xuan)
    assert old_unit("02203").name == "Phường Minh Xuân"


def test_an_old_ward_split_between_two_new_wards_is_linked_to_both_as_partial(db, national_files):
    load_national(national_files, "08")

    quang_trung = old_unit("00688")
    assert quang_trung.name == "Phường Quang Trung"
    assert set(quang_trung.successions.values_list("successor__name", "share")) == {
        ("Phường Hà Giang 1", "partial"),
        ("Phường Hà Giang 2", "partial"),
    }


def test_loading_dong_thap_82_follows_one_commune_into_old_an_giang_89(db, national_files):
    load_national(national_files, "82")

    assert set(old_provinces_loaded()) == {"82", "87", "89"}
    tan_phu = old_unit("30622")
    assert tan_phu.name == "Xã Tân Phú"
    assert tan_phu.parent.parent.name == "Tỉnh An Giang"
    successor = tan_phu.successions.get().successor
    assert (successor.code, successor.name) == ("30259", "Xã Tân Phú Trung")
    assert successor.parent == new_unit("82", Level.PROVINCE)
    # An Giang itself was not requested: it is known only as an old province.
    assert not AdministrativeUnit.objects.current().filter(code="89").exists()


SPECIAL_ZONES_FROM_DISTRICTS = {
    # new code: (name, old district, old province of the district, new province)
    "11948": ("Đặc khu Bạch Long Vĩ", "318", "31", "31"),
    "19742": ("Đặc khu Cồn Cỏ", "471", "45", "44"),
    "20333": ("Đặc khu Hoàng Sa", "498", "48", "48"),
    "21548": ("Đặc khu Lý Sơn", "536", "51", "51"),
    "26732": ("Đặc khu Côn Đảo", "755", "77", "79"),
}


@pytest.fixture
def whole_country(db, national_files):
    return load_national(national_files)


def test_the_whole_country_has_34_provinces_and_3321_communes_in_force(whole_country):
    current = AdministrativeUnit.objects.current()
    assert current.provinces().count() == 34
    assert current.communes().count() == 3321
    assert not current.filter(level=Level.DISTRICT).exists()
    assert not current.communes().filter(parent__isnull=True).exists()
    assert AdministrativeUnit.objects.current(on=REFORM_2025).count() == 34 + 3321


def test_the_whole_country_had_63_provinces_696_districts_and_10047_communes_before(
    whole_country,
):
    before = AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE)
    assert before.provinces().count() == 63
    assert before.filter(level=Level.DISTRICT).count() == 696
    assert before.communes().count() == 10047


def test_the_five_island_districts_became_special_zones_in_their_new_provinces(whole_country):
    from_districts = UnitSuccession.objects.filter(predecessor__level=Level.DISTRICT)
    assert {s.successor.code for s in from_districts} == set(SPECIAL_ZONES_FROM_DISTRICTS)
    for code, (name, district, old_province, province) in SPECIAL_ZONES_FROM_DISTRICTS.items():
        zone = new_unit(code)
        assert (zone.name, zone.kind) == (name, "Đặc khu")
        assert zone.parent.code == province
        succession = zone.predecessions.get()
        assert succession.share == UnitSuccession.Share.FULL
        assert succession.predecessor == old_unit(district, Level.DISTRICT)
        assert succession.predecessor.parent.code == old_province
    assert AdministrativeUnit.objects.current().filter(kind="Đặc khu").count() == 13


def test_every_old_commune_has_a_successor_and_every_new_commune_a_predecessor(whole_country):
    before = AdministrativeUnit.objects.current(on=LAST_DAY_BEFORE)
    assert not before.communes().filter(successions__isnull=True).exists()
    assert not before.provinces().filter(successions__isnull=True).exists()
    assert not AdministrativeUnit.objects.current().filter(predecessions__isnull=True).exists()
    # An old unit that went wholly into a new one went nowhere else.
    full = UnitSuccession.objects.filter(share=UnitSuccession.Share.FULL)
    assert full.values("predecessor").distinct().count() == full.count()


def test_loading_the_whole_country_again_changes_nothing(whole_country, national_files):
    counts = unit_counts()
    assert counts == (63 + 696 + 10047 + 34 + 3321, 63 + 10604)
    output = load_national(national_files)
    assert f"0 units created, 0 updated, {counts[0]} unchanged" in output
    assert unit_counts() == counts


def test_loading_provinces_one_by_one_then_the_country_gives_the_same_units(db, national_files):
    load_national(national_files, "08")
    load_national(national_files, "11", "79")
    load_national(national_files)
    assert unit_counts() == (63 + 696 + 10047 + 34 + 3321, 63 + 10604)


# --- Malformed structure, long names and links dropped by corrected data ----------------------


def test_a_file_with_the_wrong_structure_is_refused_with_positions_not_a_crash(db, tmp_path):
    document = bundled_document()
    document["data"][0]["level2s"][2] = "Xã Mường Tùng"
    document["data"][0]["level2s"][3]["merges"] = {"old_id": "03196"}
    counts = unit_counts()

    with pytest.raises(UnitDataError) as error, translation.override("en"):
        load_units(write_json(tmp_path / "current.json", document), BUNDLED_PREVIOUS, ["11"])

    problems = "\n".join(error.value.problems)
    assert "level2s[3]: expected an object" in problems
    assert "level2s[4] merges: expected a list" in problems
    assert unit_counts() == counts


def test_a_unit_name_longer_than_the_database_allows_is_refused(db, tmp_path):
    document = bundled_document()
    document["data"][0]["level2s"][0]["name"] = "Xã " + "Mường" * 30
    with pytest.raises(UnitDataError) as error, translation.override("en"):
        load_units(write_json(tmp_path / "current.json", document), BUNDLED_PREVIOUS, ["11"])
    assert "level2s[1]: the name is longer than 120 characters" in "\n".join(error.value.problems)


def test_a_link_removed_from_corrected_data_is_removed_on_reload(dien_bien, tmp_path):
    document = bundled_document()
    muong_tung = document["data"][0]["level2s"][commune_index(document, "03181") - 1]
    muong_tung["merges"] = [m for m in muong_tung["merges"] if m["old_id"] != "03196"]
    # The old commune must still go somewhere, or the data would be incomplete: move it.
    na_sang = document["data"][0]["level2s"][commune_index(document, "03172") - 1]
    na_sang["merges"].append({"old_id": "03196", "name": "Xã Huổi Lèng", "type": "full"})

    load_units(write_json(tmp_path / "current.json", document), BUNDLED_PREVIOUS, ["11"])

    assert "03196" not in predecessor_codes(new_unit("03181"))
    assert "03196" in predecessor_codes(new_unit("03172"))
