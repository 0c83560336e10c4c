"""Test support: pytest fixtures for real infrastructure and helpers for integration tests."""
