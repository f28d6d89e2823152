from servicekit.settings import ServiceSettings, service_config


class AuditSettings(ServiceSettings):
    """Settings from AUDIT_* environment variables."""

    model_config = service_config("AUDIT_")
    service_name: str = "audit"
