"""Examiner teams: proposed by a solver, edited and confirmed by the award administrator."""
