from servicekit.settings import ServiceSettings, service_config


class GoalsSettings(ServiceSettings):
    """Settings of goals, read from ``GOALS_*`` environment variables."""

    model_config = service_config("GOALS_")
    service_name: str = "goals"
    # The annual wheel's overdue job: how often it runs, and how far back a passed deadline is still published.
    annual_wheel_job_seconds: float = 300.0
    annual_wheel_lookback_days: int = 92
