"""Demo content: indicators with the figures seed 004 §5.1 gives for 2013 and 2014.

AMI (aktivt medskapandeindex) 2014: the development unit 98, Strategiska staben 88 and the
administration 83; Strategiska staben 88 in 2013. 2014: 19 lex Sarah reports in the
administration; 26 operations follow-ups and 4 contract follow-ups by the development unit.
"""

from goals.demo import DemoLoadError

VU, STAB, ADMINISTRATION = "SDF-SPT-STAB-VU", "SDF-SPT-STAB", "SDF-SPT"
INDICATORS = (
    {"code": "AMI", "title": "Aktivt medskapandeindex (medarbetarenkäten)", "unit_of_measure": "index",
     "polarity": "higher_is_better", "decimals": 0},
    {"code": "SJUKFRANVARO", "title": "Sjukfrånvaro", "unit_of_measure": "procent", "polarity": "lower_is_better", "decimals": 1},
    {"code": "LEX-SARAH-RAPPORTER", "title": "Inkomna lex Sarah-rapporter", "unit_of_measure": "antal",
     "polarity": "lower_is_better", "decimals": 0, "measures_volume": True},
    {"code": "VERKSAMHETSUPPFOLJNINGAR", "title": "Genomförda verksamhetsuppföljningar", "unit_of_measure": "antal",
     "polarity": "higher_is_better", "decimals": 0, "measures_volume": True},
    {"code": "AVTALSUPPFOLJNINGAR", "title": "Genomförda uppföljningar av entreprenadavtal", "unit_of_measure": "antal",
     "polarity": "higher_is_better", "decimals": 0, "measures_volume": True},
)
VALUES_CSV = "\n".join((
    "indicator,unit_code,period,value",
    f"AMI,{VU},2014,98",
    f"AMI,{STAB},2014,88",
    f"AMI,{ADMINISTRATION},2014,83",
    f"AMI,{STAB},2013,88",
    f"LEX-SARAH-RAPPORTER,{ADMINISTRATION},2014,19",
    f"VERKSAMHETSUPPFOLJNINGAR,{VU},2014,26",
    f"AVTALSUPPFOLJNINGAR,{VU},2014,4",
)) + "\n"


async def load(api) -> dict[str, str]:
    """Define the indicators (skipping codes that exist) and import the values; returns code → indicator id."""
    async with api.client(roles=("admin",), subject="demo-admin") as admin:
        existing = await admin.get("/goals/v1/indicators", params={"limit": 500})
        if existing.status_code != 200:
            raise DemoLoadError(f"listing indicators answered {existing.status_code}: {existing.text}")
        ids = {item["code"]: item["id"] for item in existing.json()["items"]}
        for body in INDICATORS:
            if body["code"] in ids:
                continue
            response = await admin.post("/goals/v1/indicators", json=body)
            if response.status_code != 201:
                raise DemoLoadError(f"defining {body['code']} answered {response.status_code}: {response.text}")
            ids[body["code"]] = response.json()["id"]
    async with api.client(actor="system", roles=(), scopes=("goals:write",), subject="demo-personalsystem") as key:
        response = await key.post("/goals/v1/indicator-values/imports/csv", content=VALUES_CSV.encode(), headers={"content-type": "text/csv"})
    if response.status_code != 200:
        raise DemoLoadError(f"importing indicator values answered {response.status_code}: {response.text}")
    return ids
