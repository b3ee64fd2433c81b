"""User, HttpUser: one squall VU each, on a thread of its own."""
import logging

import _squall_native as native
from ..clients import HttpSession
from ..exception import LocustError, StopUser
from .task import DefaultTaskSet, TaskSetMeta, report_exception
from .wait_time import constant


class UserMeta(TaskSetMeta):
    def __new__(mcs, name, bases, class_dict):
        # A class that declares abstract = True is not itself run; its subclasses are, unless they say so too.
        class_dict.setdefault("abstract", False)
        return super().__new__(mcs, name, bases, class_dict)


class User(metaclass=UserMeta):
    host = None
    min_wait = None
    max_wait = None
    wait_function = None
    tasks = []
    weight = 1
    fixed_count = 0
    abstract = True
    environment = None

    def __init__(self, environment):
        self.environment = environment
        self._state = None
        self._taskset_instance = DefaultTaskSet(self)
        self._group = None

    wait_time = constant(0)

    def on_start(self):
        pass

    def on_stop(self):
        pass

    def wait(self):
        self._taskset_instance.wait()

    def context(self):
        return {}

    def stop(self, force=False):
        raise StopUser()

    @property
    def greenlet(self):
        return None

    # ---- squall: the user's life, one yield per task ----
    def _steps(self):
        stopping = False
        try:
            self.on_start()
            yield from self._taskset_instance._steps()
        except StopUser:
            stopping = True
        except native.Interrupted:
            stopping = True
            native.adopt_interrupt()  # the VU is being stopped: on_stop's requests may still go out
            raise
        finally:
            if stopping:
                try:
                    self.on_stop()
                except native.Interrupted:
                    pass
                except Exception as e:
                    report_exception(self.environment, e)


class HttpUser(User):
    """A User whose client is an HttpSession on squall's HTTP engine."""

    abstract = True

    def __init__(self, environment):
        super().__init__(environment)
        if self.host is None:
            raise LocustError(
                "You must specify the base host. Either in the host attribute in the User class, or on the command line using the --host option."
            )
        self.client = HttpSession(base_url=self.host, request_event=environment.events.request, user=self)
