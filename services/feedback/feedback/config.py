from servicekit.settings import ServiceSettings, service_config


class FeedbackSettings(ServiceSettings):
    """Settings from FEEDBACK_* environment variables."""

    model_config = service_config("FEEDBACK_")
    service_name: str = "feedback"
