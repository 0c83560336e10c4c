"""The escalation service: moves tickets between support lines and vendors, with history."""

__version__ = "0.1.0"
