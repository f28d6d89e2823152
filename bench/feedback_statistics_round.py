"""The statistics worker's per-round Python pass (service.year_from, then the figures of the
units to publish, as feedback.statistics.publisher does), on a synthetic 63-unit committee year
with no database: CPU per round (time.process_time) over a fixed sequence of case changes, and a
digest of everything the rounds publish and render, so two versions can be compared.

    .venv/bin/python bench/feedback_statistics_round.py OUT.json|- [CASES=600] [ROUNDS=200]
    PKG=/path/to/a/copy/of/services/feedback  (the version to measure; default this checkout's)
    MIN=3                                     (the minimum cell)
"""
import json, random, sys, time, uuid, hashlib
from datetime import date
from types import SimpleNamespace
import os
from pathlib import Path
sys.path.insert(0, os.environ.get("PKG", str(Path(__file__).resolve().parents[1] / "services" / "feedback")))
from feedback.statistics import incremental, service, publisher
from feedback.statistics.repository import TreeUnit

rng = random.Random(7)
U = lambda: uuid.UUID(int=rng.getrandbits(128), version=4)
committee = U()
tree = [TreeUnit(committee, None, "district_committee", "SDN", "Nämnd")]
leaves = []
for a in range(3):
    aid = U(); tree.append(TreeUnit(aid, committee, "administration", f"A{a}", f"Adm {a}"))
    for d in range(4):
        did = U(); tree.append(TreeUnit(did, aid, "department", f"A{a}D{d}", f"Dep {a}{d}"))
        for u in range(4):
            uid = U(); tree.append(TreeUnit(uid, did, "unit", f"A{a}D{d}U{u}", f"Unit {a}{d}{u}")); leaves.append(uid)
# parents before children, ordered by depth, code
depth = {committee: 0}
for t in tree:
    if t.parent_id: depth[t.unit_id] = depth[t.parent_id] + 1
tree.sort(key=lambda t: (depth[t.unit_id], t.code))
guarantees = [(U(), U()) for _ in range(4)]
KINDS = service.KINDS
def row(t=None):
    broken = rng.random() < 0.08
    ack = rng.random() < 0.8
    ans = rng.random() < 0.6
    g = rng.choice(guarantees)
    return SimpleNamespace(
        tertial=t or rng.choice((1, 2, 3)), unit_id=rng.choice(leaves + [tree[1].unit_id, tree[2].unit_id]),
        kind=rng.choice(KINDS), category_code=rng.choice(["C1", "C2", "C3", "C4", "C5", "C6"]),
        channel=rng.choice(["web", "phone", "letter", "email"]), status=rng.choice(["received", "acknowledged", "answered", "closed"]),
        ack_days=rng.randint(0, 9) if ack else None, ack_in_time=rng.random() < 0.7, answer_days=rng.randint(0, 30) if ans else None,
        answer_in_time=rng.random() < 0.6, broken=broken, repeat_decision=rng.choice([None, None, None, "confirmed", "dismissed"]),
        repeat_flagged=rng.random() < 0.1, rating=rng.choice([None, None, 1, 2, 3, 4, 5]), overdue=rng.random() < 0.05,
        guarantee_id=g[0], promise_id=g[1])

N = int(sys.argv[2]) if len(sys.argv) > 2 else 600
cases = {}
agg = service.YearAggregate()
for i in range(N):
    c = incremental.contribution(row()); cases[i] = c; incremental.apply(agg, c, 1)
today = date(2026, 12, 1)
MIN = int(os.environ.get("MIN", "3"))
earlier, rendered, published = {}, {}, {}
for t in tree:
    for part in ("T1", "T2", "VB"):
        published[(t.unit_id, f"2026-{part}")] = (0, None)

signatures = {}
def publish_python(computed, published):
    """publish_committee's Python: the documents of the units that changed."""
    out = []
    if hasattr(publisher, "changed_units"):
        for unit, figures, document, signature in publisher.changed_units(computed, published, signatures):
            key = (unit.unit_id, computed.period.name)
            published[key] = (1, document)
            signatures[key] = (signature, published[key])
            out.append((str(unit.unit_id), computed.period.name, document))
        return out
    period = computed.period.name
    for unit in computed.tree:
        figures = service.Figures(**service.figures_of(computed, ("unit", unit.unit_id), with_promises=True))
        document = figures.model_dump(mode="json") | {"minimum_cell": computed.min_cell}
        _, before = published[(unit.unit_id, period)]
        never_any = not computed.rows.get(("unit", unit.unit_id), {}).get("cases")
        if before == document or (before is None and never_any):
            continue
        published[(unit.unit_id, period)] = (1, document)
        out.append((str(unit.unit_id), period, document))
    return out

def one_round(changed):
    computed_year = service.year_from(agg, committee_id=committee, year=2026, min_cell=MIN, today=today, tree=tree,
                                      earlier=earlier, changed=changed)
    docs = []
    for part, computed in computed_year.items():
        seen = rendered.get(part)
        if seen is not None and seen[0] is computed.rows and seen[1] == computed.hidden:
            continue
        docs += publish_python(computed, published)
        rendered[part] = (computed.rows, computed.hidden)
    return computed_year, docs

capture = []
def record(computed_year, docs):
    h = hashlib.sha256()
    for part, c in computed_year.items():
        h.update(repr(sorted(map(repr, c.hidden))).encode())
        h.update(repr(sorted((repr(k), repr(sorted(v.items()))) for k, v in c.rows.items())).encode())
        h.update(repr(sorted(map(repr, c.promises.items()))).encode())
    capture.append((h.hexdigest(), json.dumps(docs, sort_keys=True)))

cy, docs = one_round(None); record(cy, docs)
full = [service.render(c, promises=[]).model_dump_json(exclude={"computed_at"}) for c in cy.values()]
times = []
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 200
for r in range(rounds):
    changed = set()
    for _ in range(rng.choice((1, 1, 1, 2, 3, 5))):
        k = rng.randrange(N + r)
        old = cases.get(k)
        new = incremental.contribution(row(3 if rng.random() < 0.6 else None)) if rng.random() < 0.9 else None
        for c, s in ((old, -1), (new, 1)):
            if c is not None:
                incremental.apply(agg, c, s); changed.add(c[0])
        if new is None: cases.pop(k, None)
        else: cases[k] = new
    t0 = time.process_time()
    cy, docs = one_round(changed)
    times.append(time.process_time() - t0)
    record(cy, docs)
    if r % 50 == 0:
        full += [service.render(c, promises=[]).model_dump_json(exclude={"computed_at"}) for c in cy.values()]
full += [service.render(c, promises=[]).model_dump_json(exclude={"computed_at"}) for c in cy.values()]
times.sort()
print(f"rounds {len(times)} median {times[len(times)//2]*1000:.2f} ms p90 {times[int(len(times)*.9)]*1000:.2f} ms mean {sum(times)/len(times)*1000:.2f} ms")
digest = hashlib.sha256(json.dumps([capture, full]).encode()).hexdigest()
print("digest", digest, "docs", sum(len(json.loads(d)) for _, d in capture))
if sys.argv[1] != "-":
    json.dump([capture, full], open(sys.argv[1], "w"))
