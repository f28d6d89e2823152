from servicekit.settings import ServiceSettings, service_config


class AwardsSettings(ServiceSettings):
    """Settings from AWARDS_* environment variables."""

    model_config = service_config("AWARDS_")
    service_name: str = "awards"
