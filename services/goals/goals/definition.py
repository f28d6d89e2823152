from pathlib import Path

from contracts.audit import FINDING_UNRESOLVED, LOG_HEAD
from contracts.awards import GOOD_EXAMPLE_PUBLISHED, ROUND_DECIDED
from contracts.feedback import UNIT_STATISTICS_CHANGED
from contracts.lex_sarah import YEARLY_SUMMARY

from servicekit.service import PeriodicJob, ServiceDefinition

from goals.annual_wheel.jobs import run_overdue as annual_wheel_overdue
from goals.audit_log_heads.consumer import apply_log_head
from goals.carryover.consumer import apply_unresolved_finding
from goals.config import GoalsSettings
from goals.foreign_figures.consumers import (
    apply_good_example, apply_lex_sarah_summary, apply_round_decided, apply_unit_statistics,
)
from goals.models import metadata

SERVICE = ServiceDefinition(
    name="goals",
    settings_factory=GoalsSettings,
    app_factory="goals.app:create_app",
    metadata=metadata,
    migrations_dir=Path(__file__).parent / "migrations",
    subscriptions={
        "audit": {
            FINDING_UNRESOLVED: apply_unresolved_finding, LOG_HEAD: apply_log_head, YEARLY_SUMMARY: apply_lex_sarah_summary,
        },
        "feedback": {UNIT_STATISTICS_CHANGED: apply_unit_statistics},
        "awards": {ROUND_DECIDED: apply_round_decided, GOOD_EXAMPLE_PUBLISHED: apply_good_example},
    },
    demo="goals.demo:load",
    demo_finish="goals.demo:finish",
    jobs=(
        PeriodicJob("goals-annual-wheel-overdue", annual_wheel_overdue, lambda settings: settings.annual_wheel_job_seconds),
    ),
)
