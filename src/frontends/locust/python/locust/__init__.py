"""squall's own `locust` package: Locust's API for locustfiles, run by
squall's engine (it shadows any installed Locust)."""
from .event import Events

events = Events()

from .contrib.fasthttp import FastHttpUser  # noqa: E402
from .debug import run_single_user  # noqa: E402
from .shape import LoadTestShape  # noqa: E402
from .user import HttpUser, SequentialTaskSet, TaskSet, User, between, constant, constant_pacing  # noqa: E402
from .user import constant_throughput, tag, task  # noqa: E402

__version__ = "2.12.1+squall"

__all__ = (
    "SequentialTaskSet", "TaskSet", "task", "tag", "HttpUser", "FastHttpUser", "User", "between", "constant",
    "constant_pacing", "constant_throughput", "events", "LoadTestShape", "run_single_user",
)
