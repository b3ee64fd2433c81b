"""squall's side of the locust package: loads the locustfile, builds the
Environment, gives each VU its User, ticks the shape and writes the reports.
Called from C++ (src/frontends/locust/)."""
import importlib.util
import inspect
import logging
import os
import socket
import sys
import traceback

import _squall_native as native

from . import _gevent_adapter
from . import events as global_events
from .argument_parser import LocustArgumentParser, OptionsError, parse_locustfile_options
from .env import Environment
from .runners import LocalRunner
from .shape import LoadTestShape
from .stats import CsvWriter, RequestStats, error_lines, percentile_lines, stats_lines
from .user.task import filter_tasks_by_tags
from .user.users import User

environment = None
_user_slots = []  # VU slot order -> user class (fixed_count classes first, then by weight)
_csv = None


class LoadError(Exception):
    """A locustfile that cannot run: the message names the file and line."""


class InvalidOptions(LoadError):
    """Flags that neither squall nor the locustfile knows (squall exits 104, as for its own flags)."""


def _log_format():
    host = socket.gethostname()
    logging.basicConfig(level=logging.INFO, format=f"[%(asctime)s] {host}/%(levelname)s/%(name)s: %(message)s",
                        stream=sys.stderr)


def _is_user_class(item):
    return inspect.isclass(item) and issubclass(item, User) and not item.__dict__.get("abstract", False) \
        and item is not User


def _is_shape_class(item):
    return inspect.isclass(item) and issubclass(item, LoadTestShape) and item is not LoadTestShape \
        and not item.__dict__.get("abstract", False)


def _import(path):
    directory, filename = os.path.split(os.path.abspath(path))
    sys.path.insert(0, directory)
    name = os.path.splitext(filename)[0]
    if name == "locust":
        name = "locustfile"
    spec = importlib.util.spec_from_file_location(name, os.path.abspath(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        raise LoadError(f"{e.filename}:{e.lineno}: {e.msg}\n    {(e.text or '').rstrip()}") from None
    except FileNotFoundError as e:
        raise LoadError(f"cannot read locustfile '{path}': {e.strerror}") from None
    except BaseException as e:
        frames = traceback.extract_tb(e.__traceback__)
        where = next((f for f in reversed(frames) if f.filename == os.path.abspath(path)), frames[-1] if frames else None)
        place = f"{where.filename}:{where.lineno}: " if where else ""
        text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        raise LoadError(f"{place}{type(e).__name__}: {e}\n{text}") from None
    return module


def _slots(user_classes, total):
    """The class of each VU slot: Locust's fixed_count users first, then the weights, spread evenly."""
    slots = []
    for cls in user_classes:
        slots.extend([cls] * cls.fixed_count)
    weighted = [c for c in user_classes if not c.fixed_count]
    if weighted:
        weights = [max(c.weight, 0) for c in weighted]
        total_weight = sum(weights) or len(weighted)
        weights = weights if sum(weights) else [1] * len(weighted)
        credit = [0.0] * len(weighted)
        while len(slots) < total:
            # Smooth weighted round-robin: every prefix keeps the ratio of the weights.
            for i, w in enumerate(weights):
                credit[i] += w
            best = max(range(len(weighted)), key=lambda i: credit[i])
            credit[best] -= total_weight
            slots.append(weighted[best])
    return slots


def load(path, options):
    """Imports the locustfile and prepares the run. Returns what C++ needs, or raises LoadError."""
    global environment, _user_slots
    _log_format()
    _gevent_adapter.install()
    module = _import(path)
    parser = LocustArgumentParser()
    global_events.init_command_line_parser.fire(parser=parser)
    try:
        own_options, more_classes = parse_locustfile_options(parser, options.get("extra_args") or [])
    except OptionsError as e:
        raise InvalidOptions(str(e)) from None
    options = {**own_options, **options, "user_classes": (options.get("user_classes") or []) + more_classes}
    options.pop("extra_args", None)
    available = {name: value for name, value in vars(module).items() if _is_user_class(value)}
    shapes = [value for value in vars(module).values() if _is_shape_class(value)]
    wanted = options.get("user_classes") or []
    if wanted:
        missing = [name for name in wanted if name not in available]
        if missing:
            raise LoadError(f"{path}: unknown User class(es) {', '.join(missing)}; the file defines "
                            f"{', '.join(available) or 'none'}")
        user_classes = [available[name] for name in wanted]
    else:
        user_classes = list(available.values())
    if not user_classes:
        raise LoadError(f"{path}: no User class found (a class deriving from User, HttpUser or FastHttpUser "
                        "that is not abstract)")
    if len(shapes) > 1:
        raise LoadError(f"{path}: more than one LoadTestShape class ({', '.join(s.__name__ for s in shapes)})")
    host = options.get("host")
    for cls in user_classes:
        if host:
            cls.host = host
        if cls.host is None and _needs_host(cls):
            raise LoadError(f"{path}: {cls.__name__} has no host: set its `host` attribute or pass -H/--host")
    tags = set(options["tags"]) if options.get("tags") else None
    exclude = set(options["exclude_tags"]) if options.get("exclude_tags") else None
    if tags is not None or exclude is not None:
        for cls in user_classes:
            filter_tasks_by_tags(cls, tags, exclude)
    shape = shapes[0]() if shapes else None
    environment = Environment(user_classes=user_classes, shape_class=shape, tags=tags, exclude_tags=exclude,
                              events=global_events, host=host, stop_timeout=options.get("stop_timeout"),
                              parsed_options=_Options(options), available_user_classes=available,
                              available_shape_classes={type(s).__name__: s for s in [shape] if s})
    runner = environment.create_local_runner()
    if shape is not None:
        shape.runner = runner
    for cls in user_classes:
        cls.environment = environment
    _user_slots = _slots(user_classes, int(options.get("max_users") or 1))
    global_events.init.fire(environment=environment, runner=runner, web_ui=None)
    return {"user_classes": [c.__name__ for c in user_classes], "has_shape": shape is not None,
            "shape_name": type(shape).__name__ if shape else ""}


def _needs_host(cls):
    from .contrib.fasthttp import FastHttpUser
    from .user.users import HttpUser

    return issubclass(cls, (HttpUser, FastHttpUser))


class _Options:
    """environment.parsed_options: attribute access to the run's options."""

    def __init__(self, options):
        self.__dict__.update(options)

    def __getattr__(self, name):
        return None


def size_slots(total):
    """Makes sure VU slots 1..total have classes (a shape may ask for more users than first thought)."""
    global _user_slots
    if len(_user_slots) < total:
        _user_slots = _slots(environment.user_classes, total)


def start_user(vu_id):
    """A new User for VU `vu_id` and its life as a generator (one step per task)."""
    cls = _user_slots[(vu_id - 1) % len(_user_slots)]
    user = cls(environment)
    return user._steps()


def shape_tick():
    """The shape's (users, spawn_rate), or None when it ends the test."""
    result = environment.shape_class.tick()
    if result is None:
        return None
    users, rate = result[0], result[1]
    if len(result) > 2 and result[2]:
        logging.warning("squall: the user_classes of a shape tick are not supported; all classes are used")
    return int(users), float(rate)


def test_start():
    environment.runner.state = "running"
    if environment.shape_class is not None:
        environment.shape_class.reset_time()
    global_events.test_start.fire(environment=environment)


def test_stop():
    environment.runner.state = "stopping"
    global_events.test_stopping.fire(environment=environment)
    global_events.test_stop.fire(environment=environment)
    environment.runner.state = "stopped"


def print_stats(current=True):
    stats = RequestStats.snapshot()
    for line in stats_lines(stats, current):
        print(line)
    print()
    sys.stdout.flush()


def open_csv(prefix, full_history):
    global _csv
    _csv = CsvWriter(prefix, full_history)


def csv_history_row(timestamp, user_count):
    if _csv is not None:
        _csv.history_row(timestamp, user_count)


def finish(print_summary, exit_code_on_error):
    """The end of the run: final tables, CSV files, the quitting event; returns Locust's exit code."""
    runner = environment.runner
    if _csv is not None:
        _csv.write_final(runner)
    if print_summary:
        stats = RequestStats.snapshot()
        for line in stats_lines(stats, current=False) + [""] + percentile_lines(stats) + [""] + error_lines(stats):
            print(line)
        sys.stdout.flush()
    code = exit_code_on_error if (runner.errors or runner.exceptions) else 0
    environment.process_exit_code = None
    global_events.quitting.fire(environment=environment)
    if environment.process_exit_code is not None:
        code = environment.process_exit_code
    global_events.quit.fire(exit_code=code)
    return code


def shape_max_users(horizon_seconds=24 * 3600):
    """The peak user count of the shape, found by ticking it at run times 0, 1, 2 ... seconds
    (to size the pool of VU slots); 0 when the shape cannot be probed."""
    shape = environment.shape_class
    peak = 0
    try:
        for second in range(horizon_seconds):
            shape.get_run_time = lambda second=second: float(second)
            result = shape.tick()
            if result is None:
                break
            peak = max(peak, int(result[0]))
    except Exception:
        peak = 0
    finally:
        shape.__dict__.pop("get_run_time", None)
        shape.reset_time()
    return peak
