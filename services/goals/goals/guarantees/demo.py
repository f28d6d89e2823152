"""Demo content: a published quality guarantee (kvalitetsgaranti) of a preschool in Spånga-Tensta.

Seed 004 names the administration's Förskola department but no single preschool, so the demo
adds one under it. The guarantee follows the city's template (verksamhetsidé, promises,
routine for suggestions and complaints, the preschool's official contact channel), is written
by its manager, adopted by the committee for 2015 and published; running the loader again
continues from whatever step was reached and never adds a second guarantee.
"""

from datetime import date

from contracts.organisation import OrganisationUnitType as T

from goals.demo import DemoLoadError, UnitSpec, existing_units, load_units

PRESCHOOL = UnitSpec("SDF-SPT-FSK-01", "Förskolan Tenstaparken", T.unit, "SDF-SPT-FSK")
COMMITTEE_CODE = "SDN-SPT"
YEAR = 2015
PATH = "/goals/v1/quality-guarantees"
GUARANTEE = {
    "business_idea": "Förskolan Tenstaparken ger barnen en trygg, rolig och lärorik dag där lek och lärande går hand i hand, "
    "med läroplanen för förskolan (Lpfö 98/2010) och stadens förskoleprogram som grund.",
    "promises": [
        {"text": "Ditt barn får en trygg inskolning som utgår från barnets behov, och du är delaktig i den."},
        {"text": "Du erbjuds ett utvecklingssamtal om ditt barns utveckling och lärande minst en gång per år."},
        {"text": "Du får information om förskolans arbete och ditt barns vardag varje månad."},
        {"text": "Ditt barn får vara utomhus varje dag."},
    ],
    "feedback_routine": "Lämna synpunkter och klagomål till personalen, till förskolechefen eller via stadens e-tjänst "
    "Synpunkter och klagomål på stockholm.se. Du får en bekräftelse inom två arbetsdagar och ett svar inom tio "
    "arbetsdagar. Synpunkterna används i förskolans utvecklingsarbete och följs upp i verksamhetsberättelsen.",
    "contact_channel": {"description": "Förskolans expedition via Stockholms stads växel", "phone": "08-508 00 508",
                        "web_url": "https://forskola.stockholm/"},
}
DECISION = {"reference": "Verksamhetsplan 2015, SDN Spånga-Tensta 2014-12-11", "decided_on": "2014-12-11"}


async def load(api, *, effective_date: date = date(2012, 1, 1)) -> str:
    """Create the preschool if needed and take its 2015 guarantee to published; returns the guarantee id."""
    async with api.client(roles=("admin",), subject="demo-admin") as admin:
        units = (await load_units(admin, [PRESCHOOL], effective_date=effective_date)).ids
        committee_id = (await existing_units(admin, as_of=effective_date))[COMMITTEE_CODE]
    preschool_id = str(units[PRESCHOOL.code])
    async with (
        api.client(roles=("unit_manager",), org=(preschool_id,), subject="demo-forskolechef") as manager,
        api.client(roles=("committee",), org=(str(committee_id),), subject="demo-namndsekreterare") as committee,
    ):
        found = await _checked(await manager.get(PATH, params={"unit_id": preschool_id, "year": YEAR}), 200, "listing guarantees")
        if found["items"]:
            guarantee = found["items"][0]
        else:
            guarantee = await _checked(
                await manager.post(PATH, json={"unit_id": preschool_id, "year": YEAR, **GUARANTEE}), 201, "writing the guarantee"
            )
        path = f"{PATH}/{guarantee['id']}"
        if guarantee["status"] == "draft":
            body = {"decision": {**DECISION, "body_id": str(committee_id)}}
            guarantee = await _checked(
                await committee.post(f"{path}/adoption", json=body, headers={"if-match": f'"{guarantee["revision"]}"'}), 200, "adopting"
            )
        if guarantee["status"] == "adopted":
            await _checked(await manager.post(f"{path}/publication", headers={"if-match": f'"{guarantee["revision"]}"'}), 200, "publishing")
    return guarantee["id"]


async def _checked(response, status: int, what: str) -> dict:
    if response.status_code != status:
        raise DemoLoadError(f"{what} answered {response.status_code}: {response.text}")
    return response.json()
