"""Wait-time functions: a User's wait_time, called after each task."""
import random
import time


def between(min_wait, max_wait):
    return lambda instance: min_wait + random.random() * (max_wait - min_wait)


def constant(wait_time):
    return lambda instance: wait_time


def constant_pacing(wait_time):
    """A task every `wait_time` seconds: waits what is left of it after the task's own time."""

    def wait_time_func(self):
        now = time.monotonic()
        previous_end = getattr(self, "_cp_wait_end", None)  # when the wait before this task ended
        wait = 0.0 if previous_end is None else max(0.0, wait_time - (now - previous_end))
        self._cp_wait_end = now + wait
        return wait

    return wait_time_func


def constant_throughput(task_runs_per_second):
    return constant_pacing(1.0 / task_runs_per_second)
