from servicekit.settings import ServiceSettings, service_config


class GoalsSettings(ServiceSettings):
    """Settings of goals, read from ``GOALS_*`` environment variables."""

    model_config = service_config("GOALS_")
    service_name: str = "goals"
