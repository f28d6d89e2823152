"""Event machinery: CloudEvents envelope, transactional outbox + relay, idempotent consumers."""
