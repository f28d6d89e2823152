from servicekit.settings import ServiceSettings, service_config


class AuditSettings(ServiceSettings):
    """Settings from AUDIT_* environment variables."""

    model_config = service_config("AUDIT_")
    service_name: str = "audit"
    # Day (MM-DD) the units' business plans for next year are prepared: a finding of year Y's plan
    # not verified effective by this day of Y+1 is carried into the unit's plan for Y+2.
    business_plan_prepared_on: str = "10-01"
    carry_over_check_seconds: float = 3600.0
    # How often the worker publishes the audit log's head (audit.log.head) when it has moved.
    log_head_publish_seconds: float = 300.0
