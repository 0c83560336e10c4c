"""The sla-timer service: response and resolution clocks in covered time, durable timers."""

__version__ = "0.1.0"
