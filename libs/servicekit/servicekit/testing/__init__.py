"""Test support: real PostgreSQL and Redis, a database per service per run, a rollback per test."""
