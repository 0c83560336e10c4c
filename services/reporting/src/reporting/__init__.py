"""The reporting service: projections of ticket events and monthly reports for analysts."""

__version__ = "0.1.0"
