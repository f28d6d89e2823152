"""Support for tests/test_event_delivery_chaos.py: worker processes, a simulated organisation
tree whose changes become goals events, and polling helpers.

Kept apart from the test so the scenario reads as a scenario. Nothing here is a fixture.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from contracts.organisation import (
    UNIT_CREATED,
    UNIT_UPDATED,
    OrganisationUnitChanged,
    OrganisationUnitState,
    OrganisationUnitType,
    OrganisationUnitVersion,
)

REPO = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- processes


@dataclass
class Worker:
    """One incarnation of a service process (a restart is a new Worker with the same role)."""

    role: str  # e.g. "relay-1", "consumer-2"
    incarnation: int
    argv: list[str]
    process: subprocess.Popen
    log_path: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def label(self) -> str:
        return f"{self.role}#{self.incarnation} (pid {self.pid})"

    def alive(self) -> bool:
        return self.process.poll() is None


class Supervisor:
    """Starts service processes in their own sessions and kills their process groups.

    Every process ever started is remembered, so ``kill_all`` leaves nothing behind, whatever
    happened to the test.
    """

    def __init__(self, log_dir: Path, env: dict[str, str]) -> None:
        self.log_dir = log_dir
        self.env = env
        self.started: list[Worker] = []
        self._incarnations: dict[str, int] = {}
        log_dir.mkdir(parents=True, exist_ok=True)

    def start(self, role: str, *args: str) -> Worker:
        from servicekit.infra import child_preexec

        incarnation = self._incarnations.get(role, 0) + 1
        self._incarnations[role] = incarnation
        log_path = self.log_dir / f"{role}.{incarnation}.log"
        argv = [sys.executable, "-m", *args]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
                argv, cwd=REPO, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=child_preexec(),
            )
        worker = Worker(role=role, incarnation=incarnation, argv=argv, process=process, log_path=log_path)
        self.started.append(worker)
        return worker

    @staticmethod
    def signal(worker: Worker, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, sig)

    def kill(self, worker: Worker) -> None:
        """SIGKILL the whole process group: no shutdown code runs, like a crashed node."""
        self.signal(worker, signal.SIGKILL)
        worker.process.wait(timeout=10)

    def stop_gracefully(self, timeout: float = 5.0) -> dict[str, int | None]:
        """SIGTERM every live process, SIGKILL what is still running after ``timeout``."""
        live = [w for w in self.started if w.alive()]
        for worker in live:
            self.signal(worker, signal.SIGCONT)  # a stopped process cannot act on SIGTERM
            self.signal(worker, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        codes: dict[str, int | None] = {}
        for worker in live:
            try:
                codes[worker.label] = worker.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                codes[worker.label] = None
        self.kill_all()
        return codes

    def kill_all(self) -> None:
        for worker in self.started:
            if worker.process.returncode is None:
                self.signal(worker, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.process.wait(timeout=10)
            else:  # the leader is gone; make sure no child of it lingers in the group
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(worker.pid, signal.SIGKILL)

    def tails(self, lines: int = 25) -> str:
        parts = []
        for worker in self.started:
            try:
                text = worker.log_path.read_text(errors="replace").splitlines()[-lines:]
            except OSError:
                text = ["<no log>"]
            state = "running" if worker.alive() else f"exit {worker.process.returncode}"
            parts.append(f"----- {worker.label} [{state}] {worker.log_path}\n" + "\n".join(text))
        return "\n".join(parts)

    def assert_alive(self, workers: list[Worker]) -> None:
        dead = [w for w in workers if not w.alive()]
        assert not dead, "processes died on their own: " + ", ".join(w.label for w in dead) + "\n" + self.tails()


def run_checked(argv: list[str], env: dict[str, str], timeout: float = 120) -> str:
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", *argv], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout,
        start_new_session=True,
    )
    assert result.returncode == 0, f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout


def run_parallel_checked(commands: list[list[str]], env: dict[str, str], timeout: float = 120) -> None:
    """Run several short commands (e.g. two services' migrations) at once; all must succeed."""
    procs = [
        (argv, subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", *argv], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            start_new_session=True,
        ))
        for argv in commands
    ]
    failures = []
    try:
        for argv, proc in procs:
            out, _ = proc.communicate(timeout=timeout)
            if proc.returncode != 0:
                failures.append(f"{' '.join(argv)} failed ({proc.returncode}):\n{out.decode(errors='replace')}")
    finally:
        for _, proc in procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    assert not failures, "\n".join(failures)


# --------------------------------------------------------------------------- polling


async def wait_until(check: Callable[[], Awaitable[bool]], *, timeout: float, what: str,
                     explain: Callable[[], Awaitable[str]] | None = None, interval: float = 0.1) -> float:
    """Poll ``check`` until it is true; returns the seconds it took, fails with ``what`` after ``timeout``."""
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > timeout:
            detail = await explain() if explain else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting until {what}. {detail}")
        await asyncio.sleep(interval)
    return time.monotonic() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --------------------------------------------------------------------------- organisation tree

DISTRICTS = [
    ("Spånga-Tensta", "SPT"), ("Rinkeby-Kista", "RK"), ("Hässelby-Vällingby", "HV"), ("Bromma", "BRO"),
    ("Kungsholmen", "KUN"), ("Norrmalm", "NOR"), ("Östermalm", "OST"), ("Södermalm", "SOD"),
    ("Enskede-Årsta-Vantör", "EAV"), ("Skarpnäck", "SKA"), ("Farsta", "FAR"),
    ("Hägersten-Älvsjö", "HAL"), ("Skärholmen", "SKH"),
]
SPECIALISTS = [
    ("Utbildningsnämnden", "Utbildningsförvaltningen", "UTB"),
    ("Socialnämnden", "Socialförvaltningen", "SOC"),
    ("Äldrenämnden", "Äldreförvaltningen", "ALD"),
    ("Kulturnämnden", "Kulturförvaltningen", "KUL"),
    ("Idrottsnämnden", "Idrottsförvaltningen", "IDR"),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen", "AMF"),
]
DEPARTMENTS = [
    ("Avdelningen för förskola", "FSK", ["Förskolan {}", "Förskoleenheten {}"]),
    ("Avdelningen för äldreomsorg", "ALD", ["Vård- och omsorgsboendet {}", "Hemtjänsten {}", "Dagverksamheten {}"]),
    ("Avdelningen för individ- och familjeomsorg", "IFO", ["Socialkontoret {}", "Familjeenheten {}"]),
    ("Avdelningen för kultur och fritid", "KOF", ["Fritidsgården {}", "Biblioteket {}", "Parkleken {}"]),
    ("Avdelningen för grundskola", "GRU", ["{}skolan", "{} grundskola"]),
]
PLACES = [
    "Solrosen", "Blåklinten", "Näckrosen", "Vitsippan", "Lärkan", "Trädgården", "Ekorren", "Tallen",
    "Björken", "Eken", "Lönnen", "Kastanjen", "Sjöstjärnan", "Fyren", "Regnbågen", "Äppelgården",
    "Tensta", "Hjulsta", "Spånga", "Bromsten", "Flysta", "Solhem", "Lunda", "Husby", "Akalla", "Kista",
    "Rinkeby", "Vällingby", "Råcksta", "Grimsta", "Hässelby", "Vinsta", "Bromma", "Åkeshov", "Alvik",
    "Fridhem", "Kronoberg", "Vasastan", "Hjorthagen", "Gärdet", "Hornstull", "Tanto", "Skanstull",
    "Årsta", "Enskede", "Rågsved", "Högdalen", "Bagarmossen", "Farsta strand", "Hökarängen", "Solberga",
    "Liseberg", "Fruängen", "Bredäng", "Sätra", "Vårberg", "Skärholmen", "Midsommarkransen",
]
CONTRACTORS = [
    "Omsorgshuset i Stockholm AB", "Förskolekooperativet Myran ek. för.", "Hemtjänst Söder AB",
    "Stiftelsen Äldrehemmet Solgården", "Pysslingen Förskolor AB", "Vardaga Nordic AB",
    "Fritidsverket Norr AB", "Humana Omsorg AB",
]


@dataclass
class SimUnit:
    """The producer's view of one unit: its full state, changed by committed events only."""

    id: uuid.UUID
    kind: str  # "tree" for committees/administrations/departments, "leaf" for units and contractors
    revision: int
    versions: list[OrganisationUnitVersion]
    siblings_key: str = ""  # units may move between departments sharing this key

    def state(self) -> OrganisationUnitState:
        return OrganisationUnitState(id=self.id, revision=self.revision, versions=list(self.versions))


@dataclass
class PlannedEvent:
    unit: SimUnit
    type: str
    payload: OrganisationUnitChanged
    new_versions: list[OrganisationUnitVersion]


class OrganisationSimulator:
    """A deterministic, realistic organisation tree and a stream of changes to it.

    ``plan_change`` computes a unit's next event without touching the unit; ``apply`` makes it
    the unit's state (the producer applies what it records in a transaction that must commit).
    Changes planned for a transaction that is rolled back are never applied, so they cannot leak
    into the expected state; ``phantom`` makes a unit that exists only in such a transaction.
    """

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.units: list[SimUnit] = []
        self.departments: dict[str, list[SimUnit]] = {}
        self._counter = 0
        self._city = self._new("Stockholms stad", "STHLM", OrganisationUnitType.city, None, "tree")
        self._unit_name_pool = [(template, place) for _, _, templates in DEPARTMENTS for template in templates
                                for place in PLACES]
        self.rng.shuffle(self._unit_name_pool)

    # -- building the initial tree
    def _new(self, name: str, code: str, type_: OrganisationUnitType, parent: SimUnit | None, kind: str,
             siblings_key: str = "") -> SimUnit:
        start = date(2018, 1, 1) + timedelta(days=self.rng.randint(0, 365))
        version = OrganisationUnitVersion(
            valid_from=start, code=code, name=name, type=type_, parent_id=parent.id if parent else None,
        )
        unit = SimUnit(id=uuid.uuid4(), kind=kind, revision=0, versions=[version], siblings_key=siblings_key)
        self.units.append(unit)
        return unit

    def build(self, leaves: int) -> None:
        """City → district and specialist committees → administrations → departments → leaves."""
        for district, code in DISTRICTS:
            committee = self._new(f"{district} stadsdelsnämnd", f"SDN-{code}",
                                  OrganisationUnitType.district_committee, self._city, "tree")
            administration = self._new(f"{district} stadsdelsförvaltning", f"SDF-{code}",
                                       OrganisationUnitType.administration, committee, "tree")
            for dept_name, dept_code, _ in DEPARTMENTS[:3]:
                dept = self._new(dept_name, f"{code}-{dept_code}", OrganisationUnitType.department,
                                 administration, "tree", siblings_key=dept_code)
                self.departments.setdefault(dept_code, []).append(dept)
        for committee_name, administration_name, code in SPECIALISTS:
            committee = self._new(committee_name, f"FN-{code}", OrganisationUnitType.specialist_committee,
                                  self._city, "tree")
            administration = self._new(administration_name, f"FF-{code}", OrganisationUnitType.administration,
                                       committee, "tree")
            for dept_name, dept_code, _ in DEPARTMENTS[3:]:
                dept = self._new(f"{dept_name} ({code})", f"{code}-{dept_code}", OrganisationUnitType.department,
                                 administration, "tree", siblings_key=dept_code)
                self.departments.setdefault(dept_code, []).append(dept)
        for index in range(leaves):
            self.add_leaf(index)

    def add_leaf(self, index: int | None = None) -> SimUnit:
        self._counter += 1
        dept_code = self.rng.choice(sorted(self.departments))
        dept = self.rng.choice(self.departments[dept_code])
        if index is not None and index % 25 == 24:
            name = self.rng.choice(CONTRACTORS)
            return self._new(name, f"ENT-{self._counter:04d}", OrganisationUnitType.contractor, dept, "leaf",
                             siblings_key=dept_code)
        name = self._fresh_name(dept_code)
        return self._new(name, f"{dept.versions[-1].code}-{self._counter:04d}", OrganisationUnitType.unit, dept,
                         "leaf", siblings_key=dept_code)

    def _fresh_name(self, dept_code: str) -> str:
        templates = next(t for _, c, t in DEPARTMENTS if c == dept_code)
        place = self.rng.choice(PLACES)
        return self.rng.choice(templates).format(place)

    # -- changes
    def plan_change(self, unit: SimUnit, *, marker: str | None = None) -> PlannedEvent:
        """The unit's next event: created (revision 1) or renamed / recoded / moved."""
        if unit.revision == 0:
            versions = list(unit.versions)
            payload = OrganisationUnitChanged(
                unit=OrganisationUnitState(id=unit.id, revision=1, versions=versions),
                effective_date=versions[0].valid_from, changed=[],
            )
            return PlannedEvent(unit, UNIT_CREATED, payload, versions)
        current = unit.versions[-1]
        effective = current.valid_from + timedelta(days=self.rng.randint(20, 300))
        changes: dict = {}
        options = ["name", "code"] + (["parent"] if unit.kind == "leaf" and unit.siblings_key else [])
        changed = sorted(set(self.rng.sample(options, k=self.rng.randint(1, len(options)))))
        if "name" in changed:
            if unit.kind == "leaf" and current.type == OrganisationUnitType.unit:
                changes["name"] = self._fresh_name(unit.siblings_key)
                if changes["name"] == current.name:
                    changes["name"] = f"{current.name} och {self.rng.choice(PLACES)}"
            else:
                changes["name"] = f"{current.name.split(' (')[0]} ({effective.year})"
        if "code" in changed:
            base = current.code.rsplit("/", 1)[0]
            changes["code"] = f"{base}/{unit.revision + 1}"
        if "parent" in changed:
            candidates = [d for d in self.departments[unit.siblings_key] if d.id != current.parent_id]
            changes["parent_id"] = self.rng.choice(candidates).id
        if marker:  # a change that will be rolled back: recognisable if it ever leaked
            changes["name"] = f"{marker} {current.name}"
            changed = sorted(set(changed) | {"name"})
        closed = current.model_copy(update={"valid_to": effective})
        new = current.model_copy(update={**changes, "valid_from": effective, "valid_to": None})
        versions = [*unit.versions[:-1], closed, new]
        payload = OrganisationUnitChanged(
            unit=OrganisationUnitState(id=unit.id, revision=unit.revision + 1, versions=versions),
            effective_date=effective, changed=changed,
        )
        return PlannedEvent(unit, UNIT_UPDATED, payload, versions)

    def phantom(self) -> SimUnit:
        """A unit created only in a transaction that will be rolled back (never in ``units``)."""
        dept_code = self.rng.choice(sorted(self.departments))
        version = OrganisationUnitVersion(
            valid_from=date(2024, 1, 1), code=f"ANGRAD-{self.rng.randint(0, 99999):05d}",
            name=f"ÅNGRAD {self._fresh_name(dept_code)}", type=OrganisationUnitType.unit,
            parent_id=self.rng.choice(self.departments[dept_code]).id,
        )
        return SimUnit(id=uuid.uuid4(), kind="leaf", revision=0, versions=[version], siblings_key=dept_code)

    @staticmethod
    def apply(planned: PlannedEvent) -> None:
        planned.unit.revision = planned.payload.unit.revision
        planned.unit.versions = planned.new_versions

    def schedule(self, units: list[SimUnit], changes_per_unit: tuple[int, int]) -> list[SimUnit]:
        """An interleaved order of unit turns: every unit's creation first (tree order), then its
        updates spread randomly; each entry is one event for that unit, revisions in order."""
        creations = [u for u in units if u.revision == 0]
        updates: list[tuple[float, SimUnit]] = []
        for unit in units:
            for _ in range(self.rng.randint(*changes_per_unit)):
                updates.append((self.rng.random(), unit))
        updates.sort(key=lambda item: item[0])
        return creations + [unit for _, unit in updates]

    def expected(self) -> dict[uuid.UUID, OrganisationUnitState]:
        return {u.id: u.state() for u in self.units if u.revision > 0}
