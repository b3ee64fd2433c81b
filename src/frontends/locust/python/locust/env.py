"""Environment: what a locustfile's event listeners receive."""
from .event import Events


class Environment:
    def __init__(self, *, user_classes=None, shape_class=None, tags=None, exclude_tags=None, events=None,
                 host=None, reset_stats=False, stop_timeout=None, catch_exceptions=True, parsed_options=None,
                 available_user_classes=None, available_shape_classes=None):
        self.user_classes = user_classes or []
        self.shape_class = shape_class
        self.tags = tags
        self.exclude_tags = exclude_tags
        self.events = events or Events()
        self.host = host
        self.reset_stats = reset_stats
        self.stop_timeout = stop_timeout
        self.catch_exceptions = catch_exceptions
        self.parsed_options = parsed_options
        self.available_user_classes = available_user_classes or {}
        self.available_shape_classes = available_shape_classes or {}
        self.runner = None
        self.web_ui = None
        self.process_exit_code = None

    @property
    def stats(self):
        from .stats import RequestStats

        return RequestStats.snapshot()

    def create_local_runner(self):
        from .runners import LocalRunner

        self.runner = LocalRunner(self)
        return self.runner
