"""Indicator values: Kolada and CSV imports, all or nothing with positions, idempotent, versioned."""

from datetime import date

import pytest
from contracts.organisation import OrganisationUnitType as T

from goals.demo import CITY_CODE, UnitSpec, load_units, seed_committee

KOLADA = "/goals/v1/indicator-values/imports/kolada"
CSV = "/goals/v1/indicator-values/imports/csv"
VALUES = "/goals/v1/indicator-values"
VU = "SDF-SPT-STAB-VU"
VU_OU = "V15E018000301"


@pytest.fixture
async def units(admin):
    specs = [UnitSpec(CITY_CODE, "Stockholms stad", T.city, None), *seed_committee()]
    ids = (await load_units(admin, specs, effective_date=date(2012, 1, 1))).ids
    for code, body in ((CITY_CODE, {"kolada_municipality_id": "0180"}), (VU, {"kolada_ou_id": VU_OU})):
        response = await admin.put(f"/goals/v1/organisation-units/{ids[code]}/external-ids", json=body, headers={"if-match": '"0"'})
        assert response.status_code == 200, response.text
    return ids


@pytest.fixture
async def indicators(admin) -> dict[str, dict]:
    bodies = {
        "AMI": {"code": "AMI", "title": "Aktivt medskapandeindex", "unit_of_measure": "index", "polarity": "higher_is_better", "decimals": 0},
        "SJUK": {"code": "SJUK", "title": "Sjukfrånvaro", "unit_of_measure": "procent", "polarity": "lower_is_better"},
        "N00945": {"code": "N00945", "title": "Invånare totalt, antal", "unit_of_measure": "antal", "polarity": "higher_is_better",
                   "source": "kolada", "kolada_kpi_id": "N00945", "by_gender": True, "decimals": 0, "measures_volume": True},
    }
    made = {}
    for code, body in bodies.items():
        response = await admin.post("/goals/v1/indicators", json=body)
        assert response.status_code == 201, response.text
        made[code] = response.json()
    return made


@pytest.fixture
async def importer(harness):
    async with harness.client(actor="system", roles=(), scopes=("goals:write",), subject="key-kolada") as key:
        yield key


def kolada_file(*entries) -> dict:
    return {"count": len(entries), "values": list(entries)}


def entry(period, values, *, kpi="N00945", **unit) -> dict:
    return {"kpi": kpi, **(unit or {"municipality": "0180"}), "period": period, "values": values}


STOCKHOLM_2014 = entry(2014, [
    {"gender": "K", "count": 1, "status": "", "value": 463_000},
    {"gender": "M", "count": 1, "status": "", "value": 448_000},
    {"gender": "T", "count": 1, "status": "", "value": 911_000},
])


async def values(client, **params) -> list[dict]:
    response = await client.get(VALUES, params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_kolada_file_imports_once_and_a_changed_value_becomes_a_new_version(importer, units, indicators):
    file = kolada_file(STOCKHOLM_2014)
    first = await importer.post(KOLADA, json=file)
    again = await importer.post(KOLADA, json=file)

    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["unchanged"]) == (3, 0)
    assert (again.json()["created"], again.json()["changed"], again.json()["unchanged"]) == (0, 0, 3)
    in_force = await values(importer, unit_id=str(units[CITY_CODE]))
    assert sorted((v["gender"], v["value"], v["version"]) for v in in_force) == [("K", 463000, 1), ("M", 448000, 1), ("T", 911000, 1)]

    corrected = kolada_file(entry(2014, [{"gender": "T", "count": 1, "status": "", "value": 911_989}]))
    changed = await importer.post(KOLADA, json=corrected)
    assert (changed.json()["changed"], changed.json()["unchanged"]) == (1, 0)
    total = await values(importer, unit_id=str(units[CITY_CODE]), gender="T")
    assert [(v["value"], v["version"], v["current"]) for v in total] == [(911989, 2, True)]
    history = (await importer.get(f"{VALUES}/versions", params={"unit_id": str(units[CITY_CODE]), "gender": "T"})).json()["items"]
    assert [(v["value"], v["version"], v["current"]) for v in history] == [(911000, 1, False), (911989, 2, True)]
    assert history[0]["file_sha256"] != history[1]["file_sha256"]


async def test_a_kolada_file_with_bad_entries_is_refused_whole_with_each_position(importer, units, indicators):
    file = kolada_file(
        STOCKHOLM_2014,  # good, but must not be applied
        entry(2014, [{"gender": "T", "value": 5}], kpi="U00001"),
        entry(2014, [{"gender": "T", "value": 5}], ou="V15E999999999"),
        entry(2031, [{"gender": "T", "value": 5}]),
        entry("2014-13", [{"gender": "T", "value": 5}]),
        entry(2013, [{"gender": "T", "value": "911 000"}, {"gender": "X", "value": 1}]),
        entry(2014, [{"gender": "T", "value": 911_000}]),  # the same value as /values/0/values/2
        entry(2011, [{"gender": "T", "value": 90}], ou=VU_OU),  # the unit exists from 2012
    )
    response = await importer.post(KOLADA, json=file)

    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/import-rejected")
    assert [(e["position"], e["kind"]) for e in problem["errors"]] == [
        ("/values/1/values/0", "unknown-indicator"),
        ("/values/2/values/0", "unknown-unit"),
        ("/values/3/values/0", "period-out-of-range"),
        ("/values/4/values/0", "period-invalid"),
        ("/values/5/values/0", "value-not-a-number"),
        ("/values/5/values/1", "gender-invalid"),
        ("/values/6/values/0", "duplicate-entry"),
        ("/values/7/values/0", "unit-not-in-effect"),
    ]
    assert await values(importer) == []


async def test_a_csv_file_with_decimal_commas_imports_and_reports_bad_lines(importer, units, indicators):
    good = "indicator;unit_code;period;gender;value\nSJUK;SDF-SPT-STAB-VU;2014;T;0,8\nAMI;SDF-SPT-STAB-VU;2014-VB;T;98\n"
    first = await importer.post(CSV, content=good.encode(), headers={"content-type": "text/csv"})
    again = await importer.post(CSV, content=good.encode(), headers={"content-type": "text/csv"})

    assert first.status_code == 200, first.text
    assert (first.json()["created"], again.json()["unchanged"], again.json()["created"]) == (2, 2, 0)
    stored = {v["period"]: v["value"] for v in await values(importer, unit_id=str(units[VU]))}
    assert stored == {"2014": 0.8, "2014-VB": 98}

    bad = ("indicator,ou,period,value\n"
           f"AMI,{VU_OU},2014-T1,97\n"       # line 2: good
           f"AMI,{VU_OU},2014-T1,hög\n"      # line 3: not a number
           f"AMI,{VU_OU},2014-T1,\n"         # line 4: an empty value is skipped, not an error
           f"NOPE,{VU_OU},2014,1\n"          # line 5
           f"SJUK,{VU_OU},2014-T3,1\n")      # line 6
    response = await importer.post(CSV, content=bad.encode(), headers={"content-type": "text/csv"})
    assert response.status_code == 422
    assert [(e["position"], e["kind"]) for e in response.json()["errors"]] == [
        ("line 3", "value-not-a-number"), ("line 4", "duplicate-entry"), ("line 5", "unknown-indicator"), ("line 6", "period-invalid"),
    ]
    assert {v["period"] for v in await values(importer, unit_id=str(units[VU]))} == {"2014", "2014-VB"}

    header = await importer.post(CSV, content=b"indicator,period\nAMI,2014\n", headers={"content-type": "text/csv"})
    assert header.status_code == 422 and header.json()["type"].endswith("/csv-header")


async def test_a_value_for_women_and_men_needs_an_indicator_split_by_gender(importer, units, indicators):
    response = await importer.post(CSV, content=b"indicator,unit_code,period,gender,value\nAMI,SDF-SPT-STAB-VU,2014,K,97\n",
                                   headers={"content-type": "text/csv"})
    assert [(e["position"], e["kind"]) for e in response.json()["errors"]] == [("line 2", "not-split-by-gender")]


async def test_who_imports_and_who_reads_values(harness, importer, units, indicators):
    await importer.post(CSV, content=b"indicator,unit_code,period,value\nAMI,SDF-SPT-STAB-VU,2014,98\nAMI,SDF-SPT-IOF,2014,80\n",
                        headers={"content-type": "text/csv"})
    async with harness.client(roles=("unit_manager",), org=(str(units[VU]),)) as manager:
        refused = await manager.post(CSV, content=b"indicator,unit_code,period,value\nAMI,SDF-SPT-STAB-VU,2015,99\n",
                                     headers={"content-type": "text/csv"})
        seen = await values(manager)
    async with harness.client(actor="portal", roles=(), scopes=("goals:read",)) as portal:
        portal_read = await portal.get(VALUES)
    async with harness.client(actor="system", roles=(), scopes=("goals:read",)) as reader:
        read_import = await reader.post(KOLADA, json=kolada_file(STOCKHOLM_2014))
        everything = await values(reader)

    assert refused.status_code == read_import.status_code == portal_read.status_code == 403
    assert [v["unit_id"] for v in seen] == [str(units[VU])]
    assert len(everything) == 2


async def test_external_ids_name_one_unit_each_and_need_if_match(admin, units):
    path = f"/goals/v1/organisation-units/{units['SDF-SPT-IOF']}/external-ids"
    read = await admin.get(path)
    assert (read.json(), read.headers["etag"]) == ({"kolada_municipality_id": None, "kolada_ou_id": None}, '"0"')
    taken = await admin.put(path, json={"kolada_ou_id": VU_OU}, headers={"if-match": '"0"'})
    missing = await admin.put(path, json={"kolada_ou_id": "V15E018000302"})
    stale = await admin.put(path, json={"kolada_ou_id": "V15E018000302"}, headers={"if-match": '"3"'})
    stored = await admin.put(path, json={"kolada_ou_id": "v15e018000302"}, headers={"if-match": '"0"'})

    assert taken.status_code == 422 and taken.json()["type"].endswith("/external-id-in-use")
    assert (missing.status_code, stale.status_code) == (428, 412)
    assert stored.status_code == 200 and stored.headers["etag"] == '"1"'
    assert (await admin.get(path)).json()["kolada_ou_id"] == "V15E018000302"


async def test_values_are_listed_page_by_page_and_a_foreign_cursor_is_refused(importer, units, indicators):
    await importer.post(KOLADA, json=kolada_file(STOCKHOLM_2014))
    first = (await importer.get(VALUES, params={"limit": 2})).json()
    second = (await importer.get(VALUES, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    foreign = await importer.get(VALUES, params={"cursor": "eyJ5ZWFyIjogMjAxNH0"})  # {"year": 2014}

    assert [v["gender"] for v in first["items"] + second["items"]] == ["K", "M", "T"]
    assert second["next_cursor"] is None
    assert foreign.status_code == 400 and foreign.json()["type"].endswith("/invalid-cursor")


async def test_a_definition_changes_with_if_match_and_keeps_its_gender_split_while_split_values_exist(admin, importer, units, indicators):
    path = f"/goals/v1/indicators/{indicators['N00945']['id']}"
    await importer.post(KOLADA, json=kolada_file(STOCKHOLM_2014))

    renamed = await admin.patch(path, json={"title": "Folkmängd"}, headers={"if-match": '"1"'})
    stale = await admin.patch(path, json={"title": "Invånare"}, headers={"if-match": '"1"'})
    unsplit = await admin.patch(path, json={"by_gender": False}, headers={"if-match": '"2"'})
    twice = await admin.post("/goals/v1/indicators", json={**{k: indicators["AMI"][k] for k in ("title", "unit_of_measure", "polarity")}, "code": "ami"})

    assert (renamed.status_code, renamed.json()["title"], renamed.headers["etag"]) == (200, "Folkmängd", '"2"')
    assert stale.status_code == 412
    assert unsplit.status_code == 422 and unsplit.json()["type"].endswith("/split-values-exist")
    assert twice.status_code == 422 and twice.json()["type"].endswith("/indicator-exists")
