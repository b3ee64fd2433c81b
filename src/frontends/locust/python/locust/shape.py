"""LoadTestShape: tick() says the user count and spawn rate, about once a second."""
import time


class LoadTestShape:
    runner = None
    abstract = True
    use_common_options = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.abstract = cls.__dict__.get("abstract", False)

    def __init__(self):
        self.start_time = time.perf_counter()

    def reset_time(self):
        self.start_time = time.perf_counter()

    def get_run_time(self):
        return time.perf_counter() - self.start_time

    def get_current_user_count(self):
        return self.runner.user_count if self.runner is not None else 0

    def tick(self):
        """(user_count, spawn_rate), (user_count, spawn_rate, user_classes), or None to stop the test."""
        return None
