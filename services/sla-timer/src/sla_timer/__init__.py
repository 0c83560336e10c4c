"""The sla-timer service."""
