"""The tamper-evident audit log: every change and refused attempt chained; tampering in PostgreSQL is named.

The tampering is done directly in the database, as someone with access to it would: edit a row,
delete one, swap two, and once rewrite the chain from one entry on with every hash recomputed,
which only the heads anchored outside audit can reveal.
"""

from sqlalchemy import text, update

from audit.auditlog.chain import entry_hash
from audit.models import audit_log


async def _some_history(people, tree, year) -> None:
    auditor = people(["internal_auditor"], subject="auditor-a")
    for unit in ("SDF-SPT", "SDF-SPT-FSK", "SDF-SPT-AOF"):
        analysis = (await auditor.post("/risk-analyses", {"unit_id": str(tree[unit]), "year": 2015}, expect=201)).json()
        path = f"/risk-analyses/{analysis['id']}"
        await auditor.post(f"{path}/risks", year.risk(), expect=201, if_match_of=path)
    await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT"]), "year": 2015}, expect=409)  # refused: one per year


async def _verify(client, heads=()) -> dict:
    body = {"anchored_heads": [{"sequence": s, "hash": h} for s, h in heads]}
    return (await client.post("/audit-log/verification", body, expect=200)).json()


async def test_every_change_and_refusal_is_chained_and_readable_by_auditors(people, tree, year, log_rows):
    await _some_history(people, tree, year)
    rows = await log_rows()
    assert [row["sequence"] for row in rows] == list(range(1, 8))
    assert rows[-1]["outcome"] == "refused" and rows[-1]["after"]["problem"] == "analysis-exists"
    assert all(later["prev_hash"] == earlier["hash"] for earlier, later in zip(rows, rows[1:]))
    created = rows[0]
    assert (created["actor_subject"], created["action"], created["before"]) == ("auditor-a", "risk_analysis.created", None)
    assert created["after"]["unit_id"] == str(tree["SDF-SPT"])
    auditor = people(["internal_auditor"])
    listed = (await auditor.get("/audit-log", params={"limit": 5})).json()
    assert [entry["sequence"] for entry in listed["items"]] == [1, 2, 3, 4, 5]
    rest = (await auditor.get("/audit-log", params={"cursor": listed["next_cursor"]})).json()
    assert [entry["sequence"] for entry in rest["items"]] == [6, 7]
    assert (await people(["internal_auditor"], org_code="SDN-RKI").get("/audit-log")).json()["items"][0]["sequence"] == 7
    for role in ("controller", "committee", "city_controller", "unit_manager"):
        await people([role]).get("/audit-log", expect=403)
    result = await _verify(auditor)
    assert result["intact"] and result["entries_checked"] == 7 and result["head_sequence"] == 7


async def test_an_edited_entry_is_named(harness, people, tree, year):
    await _some_history(people, tree, year)
    await harness.session.execute(
        update(audit_log).where(audit_log.c.sequence == 3).values(actor_subject="someone-else")
    )
    result = await _verify(people(["internal_auditor"]))
    assert not result["intact"]
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("altered", 3)


async def test_a_deleted_entry_is_named(harness, people, tree, year):
    await _some_history(people, tree, year)
    await harness.session.execute(text("DELETE FROM audit_log WHERE sequence = 4"))
    result = await _verify(people(["internal_auditor"]))
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("removed", 4)
    # Deleting and renumbering the rest to close the gap is caught by the broken link instead.
    await harness.session.execute(text("UPDATE audit_log SET sequence = sequence - 1 WHERE sequence > 4"))
    result = await _verify(people(["internal_auditor"]))
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("removed", 4)


async def test_reordered_entries_are_named(harness, people, tree, year):
    await _some_history(people, tree, year)
    # Swap entries 2 and 3 (the primary key goes through a free number).
    for statement in ("UPDATE audit_log SET sequence = 1000 WHERE sequence = 2", "UPDATE audit_log SET sequence = 2 WHERE sequence = 3",
                      "UPDATE audit_log SET sequence = 3 WHERE sequence = 1000"):
        await harness.session.execute(text(statement))
    result = await _verify(people(["internal_auditor"]))
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("reordered", 2)


async def test_a_rewritten_chain_with_valid_hashes_is_caught_by_the_anchored_heads(harness, people, tree, year, log_rows, outbox):
    await _some_history(people, tree, year)
    admin, auditor = people(["admin"], org_code=None), people(["internal_auditor"])
    published = (await admin.post("/audit-log/head-publications", expect=200)).json()
    assert published["published"] and published["sequence"] == 7
    assert (await admin.post("/audit-log/head-publications", expect=200)).json()["published"] is False, "the head had not moved"
    (event,) = await outbox("audit.log.head")
    anchored = [(event["data"]["sequence"], event["data"]["hash"])]

    # Rewrite from entry 2 on: change who acted, recompute every hash and link after it.
    rows = await log_rows()
    previous = rows[0]["hash"]
    for row in rows[1:]:
        row = row | {"prev_hash": previous, "actor_subject": "someone-else" if row["sequence"] == 2 else row["actor_subject"]}
        row["hash"] = entry_hash(row)
        await harness.session.execute(
            update(audit_log).where(audit_log.c.sequence == row["sequence"])
            .values(actor_subject=row["actor_subject"], prev_hash=row["prev_hash"], hash=row["hash"])
        )
        previous = row["hash"]
    assert (await _verify(auditor))["intact"], "without anchors a consistent rewrite cannot be told apart"
    result = await _verify(auditor, anchored)
    assert not result["intact"] and result["anchored_heads_checked"] == 1
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("rewritten", 7)
    assert "after 0 and at or before 7" in result["first_tampering"]["detail"]

    # Cutting the log back below an anchored head is caught too.
    await harness.session.execute(text("DELETE FROM audit_log WHERE sequence >= 6"))
    result = await _verify(auditor, anchored)
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("removed", 7)


async def test_anchored_heads_narrow_down_where_a_rewrite_began(harness, people, tree, year, log_rows, outbox):
    await _some_history(people, tree, year)
    admin, auditor = people(["admin"], org_code=None), people(["internal_auditor"], subject="auditor-a")
    await admin.post("/audit-log/head-publications", expect=200)  # head 7
    await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-IOF"]), "year": 2015}, expect=201)  # entry 8
    await auditor.post("/risk-analyses", {"unit_id": str(tree["SDF-SPT-IOF"]), "year": 2015}, expect=409)  # entry 9, refused
    await admin.post("/audit-log/head-publications", expect=200)  # head 9
    anchored = [(e["data"]["sequence"], e["data"]["hash"]) for e in await outbox("audit.log.head")]
    assert [sequence for sequence, _ in anchored] == [7, 9]

    rows = await log_rows()
    previous = rows[6]["hash"]
    for row in rows[7:]:  # rewrite entries 8 and 9 with recomputed hashes
        row = row | {"prev_hash": previous, "actor_subject": "someone-else"}
        row["hash"] = entry_hash(row)
        await harness.session.execute(
            update(audit_log).where(audit_log.c.sequence == row["sequence"])
            .values(actor_subject=row["actor_subject"], prev_hash=row["prev_hash"], hash=row["hash"])
        )
        previous = row["hash"]
    result = await _verify(auditor, anchored)
    assert (result["first_tampering"]["kind"], result["first_tampering"]["sequence"]) == ("rewritten", 9)
    assert "after 7 and at or before 9" in result["first_tampering"]["detail"]
