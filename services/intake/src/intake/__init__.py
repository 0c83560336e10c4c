"""The intake service: support requests in, ticket events out."""

__version__ = "0.1.0"
