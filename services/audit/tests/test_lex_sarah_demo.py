"""First-start content: Spånga-Tensta's 19 lex Sarah reports of 2014, loaded through the API, twice."""

from contracts.lex_sarah import YEARLY_SUMMARY

from audit.lex_sarah.demo import load


async def test_the_2014_reports_load_once_and_the_summary_says_19_reports_0_serious(harness, people, tree, log_rows, outbox):
    await load(harness)
    entries = len(await log_rows())
    await load(harness)
    assert len(await log_rows()) == entries, "the second load skips what exists"

    committee = people(["committee"], org_code="SDN-SPT", subject="nämndsekreterare")
    summary = (await committee.get("/lex-sarah/yearly-summary", params={"committee_id": str(tree["SDN-SPT"]), "year": 2014})).json()
    # The seed: 19 reports, none serious, none to IVO; the invented cases close 17, 14 of them with a changed routine.
    assert (summary["reports"], summary["serious"], summary["share_serious"], summary["ivo_notifications"]) == (19, 0, 0.0, 0)
    assert (summary["closed"], summary["routines_changed"], summary["revision"]) == (17, 14, 1)
    assert {area["area"]: area["reports"] for area in summary["by_area"]} == {
        "elderly_care": 12, "disability": 3, "individual_and_family": 4}
    steps = {step["step"]: step for step in summary["time_to_step"]}
    assert (steps["received"]["cases"], steps["closed"]["cases"], steps["closed"]["average_days"]) == (19, 17, 62.0)
    [event] = await outbox(YEARLY_SUMMARY)
    assert (event["data"]["reports"], event["data"]["serious"]) == (19, 0)
