"""The case lifecycle (ärendets livscykel) as a table of allowed transitions.

received → acknowledged → assigned → in_progress → answered → closed, with reopened after
closed, and duplicate (linked to a parent case) or withdrawn from any unfinished state. A case
is closed only from answered, so nothing closes without an answer; an answer can be revised by
going back to in_progress before closing.
"""

from contracts.feedback import CaseStatus as S

ALLOWED: dict[S, frozenset[S]] = {
    S.received: frozenset({S.acknowledged, S.duplicate, S.withdrawn}),
    S.acknowledged: frozenset({S.assigned, S.duplicate, S.withdrawn}),
    S.assigned: frozenset({S.assigned, S.in_progress, S.duplicate, S.withdrawn}),
    S.in_progress: frozenset({S.answered, S.assigned, S.duplicate, S.withdrawn}),
    S.answered: frozenset({S.closed, S.in_progress}),
    S.closed: frozenset({S.reopened}),
    S.reopened: frozenset({S.assigned, S.in_progress, S.duplicate, S.withdrawn}),
    S.duplicate: frozenset(),
    S.withdrawn: frozenset(),
}
# Finished: nothing more is owed to the resident; the retention period runs from closed_at.
FINISHED = frozenset({S.closed, S.duplicate, S.withdrawn})
# Still with the city in Open311's terms ("open"); answered and finished cases are "closed".
OPEN311_OPEN = frozenset({S.received, S.acknowledged, S.assigned, S.in_progress, S.reopened})
SWEDISH = {
    S.received: "Mottagen", S.acknowledged: "Bekräftad", S.assigned: "Tilldelad", S.in_progress: "Under handläggning",
    S.answered: "Besvarad", S.closed: "Avslutad", S.reopened: "Återöppnad", S.duplicate: "Dubblett",
    S.withdrawn: "Återkallad",
}


def may_move(current: S, target: S) -> bool:
    return target in ALLOWED[current]
