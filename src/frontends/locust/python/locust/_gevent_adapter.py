"""gevent in a locustfile. Locust runs its users as gevent greenlets; squall runs them as greenlets of
its own hub (src/frontends/locust/greenlet_hub.h), where gevent's hub never runs. So what a
locustfile asks of gevent is mapped onto squall when gevent is imported:

- gevent.sleep() in a user is squall's sleep; gevent's would stop every user of the hub.
- Monkey-patching does nothing: squall's HTTP and time.sleep already let the other users run, and a
  patched time.sleep would block the hub (every user's response times would grow by the sleeps).
- gevent.spawn() and spawn_later() outside users (a background loop started by an init or
  test_start listener, as in Locust's docs) run the function on a daemon thread; kill() raises
  GreenletExit in it. In a user, spawning is refused with an error that says so: greenlets inside
  one user are not supported yet.
"""
import ctypes
import importlib.abc
import importlib.machinery
import logging
import sys
import threading
import time

import _squall_native as native

def _refuse(what):
    raise RuntimeError(f"{what} in a User: squall runs each user as one greenlet of its own hub and cannot run "
                       "more greenlets inside a user yet (docs/locust.md); make the calls one after another, or "
                       "spawn from an init or test_start listener")


def _greenlet_exit():
    from greenlet import GreenletExit

    return GreenletExit


class ThreadGreenlet:
    """What gevent.spawn() returns outside users: the function running on a daemon thread."""

    def __init__(self, delay, run, args, kwargs):
        self.value = None
        self.exception = None
        self._thread = threading.Thread(target=self._main, args=(delay, run, args, kwargs), daemon=True,
                                        name=f"gevent.spawn({getattr(run, '__name__', 'function')})")
        self._thread.start()

    def _main(self, delay, run, args, kwargs):
        try:
            if delay > 0:
                time.sleep(delay)
            self.value = run(*args, **kwargs)
        except _greenlet_exit() as e:
            self.value = e
        except BaseException as e:  # noqa: B036 - a greenlet's end, reported like gevent's hub does
            self.exception = e
            logging.error("Unhandled exception in %s", self._thread.name, exc_info=True)

    def join(self, timeout=None):
        self._thread.join(timeout)

    def get(self, block=True, timeout=None):
        if block:
            self.join(timeout)
        if self.exception is not None:
            raise self.exception
        return self.value

    def ready(self):
        return not self._thread.is_alive()

    @property
    def dead(self):
        return self.ready()

    def successful(self):
        return self.ready() and self.exception is None

    def kill(self, exception=None, block=True, timeout=None):
        """Raises `exception` (GreenletExit) in the thread when it next runs Python code."""
        exception = exception or _greenlet_exit()
        if self._thread.is_alive():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._thread.ident), ctypes.py_object(exception))
        if block:
            self.join(timeout)


def _adapt_gevent(gevent):
    gevent_sleep, gevent_joinall = gevent.sleep, gevent.joinall

    def sleep(seconds=0, ref=True):
        if native.in_user():
            native.sleep(seconds)
        else:
            gevent_sleep(seconds, ref)

    def spawn(run, *args, **kwargs):
        if native.in_user():
            _refuse("gevent.spawn()")
        return ThreadGreenlet(0, run, args, kwargs)

    def spawn_later(seconds, run, *args, **kwargs):
        if native.in_user():
            _refuse("gevent.spawn_later()")
        return ThreadGreenlet(seconds, run, args, kwargs)

    def joinall(greenlets, timeout=None, raise_error=False, count=None):
        greenlets = list(greenlets)
        if not greenlets or not all(isinstance(g, ThreadGreenlet) for g in greenlets):
            return gevent_joinall(greenlets, timeout, raise_error, count)
        deadline = None if timeout is None else time.monotonic() + timeout
        for g in greenlets[:count]:
            g.join(None if deadline is None else max(deadline - time.monotonic(), 0))
            if raise_error and g.exception is not None:
                raise g.exception
        return [g for g in greenlets if g.ready()]

    gevent.sleep, gevent.spawn, gevent.spawn_later, gevent.joinall = sleep, spawn, spawn_later, joinall


def _adapt_monkey(monkey):
    def patch_nothing(*args, **kwargs):
        return None

    for name in dir(monkey):
        if name.startswith("patch_") and name not in ("patch_item", "patch_module"):
            setattr(monkey, name, patch_nothing)


def _adapt_pool(pool):
    def refusing(cls, add):
        def add_in_user(self, greenlet, *args, **kwargs):
            if native.in_user():
                _refuse(f"gevent.pool.{cls.__name__}.spawn()")
            return add(self, greenlet, *args, **kwargs)

        return add_in_user

    for cls in (pool.Group, pool.Pool):  # every spawn, start and map of a group or pool adds its greenlet
        cls.add = refusing(cls, cls.add)


_ADAPTERS = {"gevent": _adapt_gevent, "gevent.monkey": _adapt_monkey, "gevent.pool": _adapt_pool}


class _Finder(importlib.abc.MetaPathFinder):
    """Finds gevent's modules where Python would, and adapts each once it has run."""

    def find_spec(self, name, path=None, target=None):
        if name not in _ADAPTERS:
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            _ADAPTERS[name](module)

        spec.loader.exec_module = exec_module
        return spec


def install():
    """Adapts gevent's modules when imported (and those imported already). Idempotent."""
    if any(isinstance(finder, _Finder) for finder in sys.meta_path):
        return
    for name, adapt in _ADAPTERS.items():
        if name in sys.modules:
            adapt(sys.modules[name])
    sys.meta_path.insert(0, _Finder())
