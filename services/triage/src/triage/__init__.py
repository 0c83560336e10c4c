"""The triage service: explainable class, support line and priority for every ticket."""

__version__ = "0.1.0"
