"""First-start content: Spånga-Tensta's internal-control year as seed 004 describes it.

"I samband med framtagande av nämndens verksamhetsplan fastställs årets internkontrollplan ...
Under mars-juni genomförs uppföljningar av föregående års handlingsplaner. Under april-november
genomförs granskningar av innevarande års internkontrollplan ... Identifierade och kvarstående
brister ... skrivs in som åtaganden ... i nästkommande verksamhetsplan."

Loaded through the API (so through the service layer), as the people who do the work:
- the committee's own 4×4 scale (SDN-SPT-4X4, the city's grid);
- the 2014 internal-control plan with reviews of three departments, their findings and action
  plans, and their follow-up March–June 2015: one closed (effect verified), one verified and
  awaiting the second person's approval of the closure, one not effective — found unresolved on
  1 October 2015 and carried into goals as a proposed commitment for 2016;
- the 2015 risk analyses of the four departments (a fraud risk, oegentligheter, among them),
  adopted by the committee, and the 2015 plan built from the risks they marked.
Idempotent: each step looks for what it would create and skips it when it is there.
"""

from datetime import date

import httpx

from audit.scales.defaults import CITY_SCALE

PREFIX = "/audit/v1"
COMMITTEE, ADMINISTRATION = "SDN-SPT", "SDF-SPT"
STAFF, ELDERLY, PRESCHOOL, FAMILY = "SDF-SPT-STAB", "SDF-SPT-AOF", "SDF-SPT-FSK", "SDF-SPT-IOF"
DEVELOPMENT = "SDF-SPT-STAB-VU"  # Enheten för verksamhetsutveckling: its staff review the departments
AUDITOR, SECOND_AUDITOR, COMMITTEE_SECRETARY = "demo-internkontroll-1", "demo-internkontroll-2", "demo-namndsekreterare"
MANAGERS = {ELDERLY: "demo-avdelningschef-aof", PRESCHOOL: "demo-avdelningschef-fsk", FAMILY: "demo-avdelningschef-iof",
            STAFF: "demo-stabschef"}


class DemoLoadError(RuntimeError):
    pass


async def _call(client: httpx.AsyncClient, method: str, path: str, *, expect: int = 200, etag_of: str | None = None, **kwargs):
    headers = kwargs.pop("headers", {})
    if etag_of is not None:
        headers["if-match"] = (await _call(client, "GET", etag_of)).headers["etag"]
    response = await client.request(method, PREFIX + path, headers=headers, **kwargs)
    if response.status_code != expect:
        raise DemoLoadError(f"{method} {path} answered {response.status_code}: {response.text}")
    return response


async def _units(client: httpx.AsyncClient) -> dict[str, str]:
    ids = {}
    for code in (COMMITTEE, ADMINISTRATION, STAFF, ELDERLY, PRESCHOOL, FAMILY, DEVELOPMENT):
        items = (await _call(client, "GET", "/organisation-units", params={"code": code})).json()["items"]
        if not items:
            raise DemoLoadError(f"unit {code} is not in audit's organisation read model yet; load goals' demo first")
        ids[code] = items[0]["id"]
    return ids


def _decision(units, reference: str, decided_on: str) -> dict:
    return {"reference": reference, "decided_on": decided_on, "body_id": units[COMMITTEE]}


async def _scale(client, units) -> str:
    found = (await _call(client, "GET", "/risk-scales", params={"code": "SDN-SPT-4X4"})).json()["items"]
    if found:
        return found[0]["id"]
    body = CITY_SCALE | {"code": "SDN-SPT-4X4", "owner_unit_id": units[COMMITTEE],
                         "name": "Spånga-Tensta stadsdelsnämnds riskmatris 4×4"}
    return (await _call(client, "POST", "/risk-scales", json=body, expect=201)).json()["id"]


async def _plan(auditor, committee, units, year: int, items: list[dict], decision: dict) -> dict:
    found = (await _call(auditor, "GET", "/control-plans", params={"committee_id": units[COMMITTEE], "year": year})).json()["items"]
    plan = found[0] if found else (await _call(auditor, "POST", "/control-plans", json={"committee_id": units[COMMITTEE], "year": year},
                                               expect=201)).json()
    path = f"/control-plans/{plan['id']}"
    if plan["status"] == "draft" and not plan["items"]:
        for item in items:
            await _call(auditor, "POST", f"{path}/items", json=item, expect=201, etag_of=path)
    if (await _call(auditor, "GET", path)).json()["status"] == "draft":
        await _call(auditor, "POST", f"{path}/adoption-request", etag_of=path)
    if (await _call(auditor, "GET", path)).json()["status"] == "adoption_requested":
        await _call(committee, "POST", f"{path}/adoption", json=decision, etag_of=path)
    return (await _call(auditor, "GET", path)).json()


def _item(units, reviewed: str, control_object: str, method: str, sample: str, frequency: str, risk_id: str | None = None) -> dict:
    reviewer_unit = units[ELDERLY] if reviewed == STAFF else units[DEVELOPMENT]
    return {"risk_id": risk_id, "control_object": control_object, "method": method, "sample": sample, "frequency": frequency,
            "responsible_unit_id": units[reviewed], "reviewer_subject": AUDITOR, "reviewer_unit_id": reviewer_unit}


# (department, what, method, sample, review day, summary, finding, root cause, action, follow-up outcome)
FINDINGS_2014 = (
    (PRESCHOOL, "Attest av leverantörsfakturor", "Stickprov mot attestordningen", "20 fakturor januari–april", "2014-05-20",
     "Sex av tjugo fakturor saknade behörig attest.", "Fakturor betalas utan behörig attest.",
     "Attestordningen var inte känd bland nya förskolechefer.",
     "Utbilda förskolechefer i attestordningen och uppdatera attestlistan.", "closed"),
    (ELDERLY, "Läkemedelshantering på vård- och omsorgsboende", "Granskning av signeringslistor och avvikelserapporter",
     "Två boenden, en vecka vardera", "2014-09-16", "Signeringslistor saknades för flera doser.",
     "Läkemedel ges utan signering.", "Rutinen för signering följs inte på kvällstid.",
     "Ny rutin för signering och stickprov varje månad av sjuksköterska.", "unresolved"),
    (FAMILY, "Handläggningstid för ekonomiskt bistånd", "Genomgång av akter mot riktlinjens tidsgräns",
     "30 ansökningar augusti–september", "2014-10-08", "Nio ansökningar utreddes längre än riktlinjen medger.",
     "Beslut om ekonomiskt bistånd dröjer.", "Vakanser i mottagningsgruppen.",
     "Omfördela ärenden och följa handläggningstiden veckovis.", "closure_requested"),
)


async def _findings_2014(api, auditor, second, units, plan: dict) -> None:
    """Reviews April–November 2014, their findings and action plans, followed up March–June 2015."""
    if (await _call(auditor, "GET", "/reviews", params={"plan_id": plan["id"]})).json()["items"]:
        return
    by_unit = {item["responsible_unit_id"]: item for item in plan["items"]}
    for unit, _what, _method, sample, day, summary, description, cause, action, outcome in FINDINGS_2014:
        review = (await _call(auditor, "POST", "/reviews", expect=201, json={
            "item_id": by_unit[units[unit]]["id"], "performed_on": day, "sample": sample, "result": "deficiencies", "summary": summary,
        })).json()
        finding = (await _call(auditor, "POST", f"/reviews/{review['id']}/findings", expect=201, json={
            "severity": "high" if unit == ELDERLY else "medium", "description": description, "root_cause": cause,
        })).json()
        path = f"/findings/{finding['id']}"
        await _call(auditor, "POST", f"{path}/action-plan", expect=201, etag_of=path, json={
            "action": action, "owner_subject": MANAGERS[unit], "owner_unit_id": units[unit], "deadline": "2015-02-28",
        })
        async with api.client(roles=("unit_manager",), subject=MANAGERS[unit], org=(units[unit],)) as owner:
            await _call(owner, "PATCH", f"{path}/action-plan", etag_of=path, json={
                "status": "implemented", "evidence": "Genomfört enligt handlingsplanen; underlag hos avdelningen.",
            })
        effective = outcome != "unresolved"
        await _call(auditor, "POST", f"{path}/action-plan/verification", etag_of=path, json={
            "verified_on": "2015-05-12" if effective else "2015-05-26", "effective": effective,
            "note": "Stickprov vid uppföljningen visar att bristen är åtgärdad." if effective
            else "Uppföljningen visar fortsatt saknade signeringar kvällstid.",
        })
        if outcome in ("closed", "closure_requested"):
            await _call(auditor, "POST", f"{path}/closure-request", etag_of=path)
        if outcome == "closed":
            await _call(second, "POST", f"{path}/closure", etag_of=path)


# (department, process, description, category, probability, consequence, into the plan, control)
RISKS_2015 = (
    (STAFF, "Inköp och upphandling", "Oegentligheter vid inköp: jäv, mutor eller inköp till närstående leverantör.", "fraud", 2, 4, True,
     ("Jäv och attest vid direktupphandling", "Granskning av direktupphandlingar mot jävsdeklarationer", "15 direktupphandlingar",
      "en gång per år")),
    (STAFF, "Informationssäkerhet", "Behörigheter i verksamhetssystemen tas inte bort när anställda slutar.", "information_security",
     3, 3, True, ("Behörighetskontroll i Paraplyet", "Jämförelse av behörigheter mot anställningsregistret", "Samtliga avslut första halvåret",
                  "två gånger per år")),
    (ELDERLY, "Läkemedelshantering", "Läkemedel ges utan signering på vård- och omsorgsboenden.", "compliance", 3, 4, True,
     ("Signering av läkemedel", "Granskning av signeringslistor", "Två boenden, en vecka vardera", "två gånger per år")),
    (ELDERLY, "Kontanthantering", "Boendes kontanta medel hanteras utan kvittens.", "fraud", 2, 3, False, None),
    (PRESCHOOL, "Attest", "Fakturor betalas utan behörig attest.", "finance", 2, 3, True,
     ("Attest av leverantörsfakturor", "Stickprov mot attestordningen", "20 fakturor per halvår", "två gånger per år")),
    (FAMILY, "Handläggning av ekonomiskt bistånd", "Utredningstiden överskrider riktlinjen.", "operations", 3, 3, True,
     ("Handläggningstid för ekonomiskt bistånd", "Genomgång av akter mot riktlinjens tidsgräns", "30 ansökningar", "en gång per år")),
)


async def _analyses_2015(auditor, committee, units, scale_id: str) -> list[tuple[dict, str, tuple]]:
    """The departments' analyses, adopted by the committee; returns (risk, department, control) for the plan."""
    for_plan = []
    for unit in (STAFF, ELDERLY, PRESCHOOL, FAMILY):
        found = (await _call(auditor, "GET", "/risk-analyses", params={"unit_id": units[unit], "year": 2015})).json()["items"]
        analysis = found[0] if found else (await _call(auditor, "POST", "/risk-analyses", expect=201, json={
            "unit_id": units[unit], "year": 2015, "scale_id": scale_id,
        })).json()
        path = f"/risk-analyses/{analysis['id']}"
        mine = [r for r in RISKS_2015 if r[0] == unit]
        if analysis["status"] == "draft" and not analysis["risks"]:
            for _, process, description, category, probability, consequence, into_plan, _control in mine:
                await _call(auditor, "POST", f"{path}/risks", expect=201, etag_of=path, json={
                    "process": process, "description": description, "category": category, "probability": probability,
                    "consequence": consequence, "responsible_subject": MANAGERS[unit], "responsible_unit_id": units[unit],
                    "justification": "Bedömd utifrån internkontrollens resultat 2013–2014 och revisorernas granskningar.",
                    "in_control_plan": into_plan,
                })
            await _call(auditor, "POST", f"{path}/adoption-request", etag_of=path)
        if (await _call(auditor, "GET", path)).json()["status"] == "adoption_requested":
            await _call(committee, "POST", f"{path}/adoption", etag_of=path, json=_decision(units, "SDN 2014/412 § 9", "2014-12-11"))
        risks = {risk["process"]: risk for risk in (await _call(auditor, "GET", path)).json()["risks"]}
        for_plan.extend((risks[r[1]], unit, r[7]) for r in mine if r[6])
    return for_plan


async def load(api) -> None:
    async with api.client(roles=("internal_auditor",), subject=AUDITOR) as reader:
        units = await _units(reader)
    scope = (units[COMMITTEE],)
    async with (
        api.client(roles=("internal_auditor",), subject=AUDITOR, org=scope) as auditor,
        api.client(roles=("internal_auditor",), subject=SECOND_AUDITOR, org=scope) as second,
        api.client(roles=("committee",), subject=COMMITTEE_SECRETARY, org=scope) as committee,
        api.client(roles=("admin",), subject="demo-admin") as admin,
    ):
        scale_id = await _scale(auditor, units)
        plan_2014 = await _plan(auditor, committee, units, 2014, [
            _item(units, unit, what, method, sample, "en gång per år") for unit, what, method, sample, *_ in FINDINGS_2014
        ], _decision(units, "SDN 2013/398 § 11", "2013-12-12"))
        await _findings_2014(api, auditor, second, units, plan_2014)
        # 1 October 2015, when the plans for 2016 are prepared: what is still not effective is carried over.
        await _call(admin, "POST", "/carry-over-checks", json={"as_of": date(2015, 10, 1).isoformat()})
        for_plan = await _analyses_2015(auditor, committee, units, scale_id)
        await _plan(auditor, committee, units, 2015, [
            _item(units, unit, *control, risk_id=risk["id"]) for risk, unit, control in for_plan
        ], _decision(units, "SDN 2014/412 § 10", "2014-12-11"))
    from audit.lex_sarah.demo import load as load_lex_sarah  # here, not on top: it uses this module's helpers

    await load_lex_sarah(api)
    from audit.follow_up_plans.demo import load as load_follow_up_year

    await load_follow_up_year(api)  # after lex Sarah: the 2015 proposal counts 2014's reports
