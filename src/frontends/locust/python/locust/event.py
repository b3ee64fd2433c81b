"""Event hooks: locust.events, the same names and keyword arguments as Locust's."""
import logging


class EventHook:
    def __init__(self):
        self._handlers = []

    def add_listener(self, handler):
        self._handlers.append(handler)
        return handler

    def remove_listener(self, handler):
        self._handlers.remove(handler)

    def fire(self, *, reverse=False, **kwargs):
        handlers = reversed(self._handlers) if reverse else self._handlers
        for handler in handlers:
            try:
                handler(**kwargs)
            except Exception:
                logging.error("Uncaught exception in event handler", exc_info=True)


class Events:
    """One EventHook per event; `@events.request.add_listener` and the like."""

    _names = (
        "request", "user_error", "report_to_master", "worker_report", "worker_connect", "spawning_complete",
        "reset_stats", "quitting", "quit", "init", "init_command_line_parser", "test_start", "test_stopping",
        "test_stop", "heartbeat_sent", "heartbeat_received", "usage_monitor", "cpu_warning",
    )

    def __init__(self):
        for name in self._names:
            setattr(self, name, EventHook())
