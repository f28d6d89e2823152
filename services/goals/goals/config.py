from pydantic import Field
from servicekit.settings import ServiceSettings, service_config


class GoalsSettings(ServiceSettings):
    """Settings of goals, read from ``GOALS_*`` environment variables."""

    model_config = service_config("GOALS_")
    service_name: str = "goals"
    # The annual wheel's overdue job: how often it runs, and how far back a passed deadline is still published.
    annual_wheel_job_seconds: float = 300.0
    annual_wheel_lookback_days: int = 92
    # Jämförelseindex: a committee is ranked only when at least this share of the index's
    # (weighted) components has a figure for it; a request may ask for a stricter or looser one.
    comparison_min_coverage: float = Field(0.5, ge=0, le=1)
    # Economy: outcome above budget by more than this share of the budget is "over budget".
    economy_budget_tolerance: float = Field(0.01, ge=0, le=0.5)
