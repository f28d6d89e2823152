"""Run the whole platform (gateway, four service APIs and workers) as local processes.

``devstack.stack.Stack`` is used by ``python -m devstack run`` (``make run``) and by the
cross-service tests (``tests/conftest.py``); ``docker-compose.yml`` runs the same topology.
"""

from devstack.stack import ManagedProcess, Stack, StackError

__all__ = ["ManagedProcess", "Stack", "StackError"]
