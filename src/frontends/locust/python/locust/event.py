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
        self._notify(reverse=reverse, **kwargs)

    def _notify(self, *, reverse=False, **kwargs):
        handlers = reversed(self._handlers) if reverse else self._handlers
        for handler in handlers:
            try:
                handler(**kwargs)
            except Exception:
                logging.error("Uncaught exception in event handler", exc_info=True)


class RequestEventHook(EventHook):
    """events.request. Firing it reports a request, as Locust's statistics listener makes it do: a
    User with a client of its own (another protocol) measures its calls this way. squall's HTTP
    clients record theirs in the engine and only notify the listeners (_notify)."""

    def fire(self, *, reverse=False, **kwargs):
        import _squall_native as native

        request_type, name = str(kwargs.get("request_type", "")), str(kwargs.get("name", ""))
        exception = kwargs.get("exception")
        native.record_request(request_type, name, float(kwargs.get("response_time") or 0),
                              float(kwargs.get("response_length") or 0), exception is not None)
        if exception is not None:
            from . import _squall

            if _squall.environment is not None and _squall.environment.runner is not None:
                _squall.environment.runner.log_failure(request_type, name, exception)
        self._notify(reverse=reverse, **kwargs)


class Events:
    """One EventHook per event; `@events.request.add_listener` and the like."""

    _names = (
        "request", "user_error", "report_to_master", "worker_report", "worker_connect", "spawning_complete",
        "reset_stats", "quitting", "quit", "init", "init_command_line_parser", "test_start", "test_stopping",
        "test_stop", "heartbeat_sent", "heartbeat_received", "usage_monitor", "cpu_warning",
    )

    def __init__(self):
        for name in self._names:
            setattr(self, name, RequestEventHook() if name == "request" else EventHook())
