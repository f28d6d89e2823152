"""Which unit type may sit under which (regler för organisationsträdet).

The city (Stockholms stad) is the one root. Committees and company boards sit under it, each
administration under a committee or board. Below an administration the tree may nest: a
department may have sub-departments (sektioner), and a unit may group units (e.g. a
förskoleenhet with several förskolor); contractors (entreprenörer) are followed up by an
administration or a department. Nesting is also why moves need a cycle check.
"""

from contracts.organisation import OrganisationUnitType as T

from servicekit.problems import ProblemError

ALLOWED_PARENTS: dict[T, tuple[T, ...]] = {
    T.city: (),
    T.district_committee: (T.city,),
    T.specialist_committee: (T.city,),
    T.company_board: (T.city,),
    T.administration: (T.district_committee, T.specialist_committee, T.company_board),
    T.department: (T.administration, T.department),
    T.unit: (T.administration, T.department, T.unit),
    T.contractor: (T.administration, T.department),
}

SWEDISH_NAMES: dict[T, str] = {
    T.city: "stad",
    T.district_committee: "stadsdelsnämnd",
    T.specialist_committee: "facknämnd",
    T.company_board: "bolagsstyrelse",
    T.administration: "förvaltning",
    T.department: "avdelning",
    T.unit: "enhet",
    T.contractor: "entreprenör",
}


def check_parent_type(unit_type: T, parent_type: T | None) -> None:
    """422 unless a unit of ``unit_type`` may sit under a parent of ``parent_type`` (None: no parent)."""
    allowed = ALLOWED_PARENTS[unit_type]
    if parent_type is None and not allowed:
        return
    if parent_type is None:
        raise ProblemError(
            422, f"A {SWEDISH_NAMES[unit_type]} ({unit_type}) needs a parent: one of {', '.join(allowed)}.",
            kind="invalid-parent", allowed_parent_types=list(allowed),
        )
    if parent_type not in allowed:
        raise ProblemError(
            422,
            f"A {SWEDISH_NAMES[unit_type]} ({unit_type}) cannot sit under a {SWEDISH_NAMES[parent_type]} ({parent_type}).",
            kind="invalid-parent", allowed_parent_types=list(allowed),
        )
