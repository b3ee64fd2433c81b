"""Tasks and TaskSets. A user's life is a generator (TaskSet._steps) that
squall advances one task (and the wait after it) per iteration of the VU; a
nested TaskSet runs inside its parent's step with `yield from`."""
import logging
import random
import traceback

import _squall_native as native
from ..exception import InterruptTaskSet, MissingWaitTimeError, RescheduleTask, RescheduleTaskImmediately, StopUser


def task(weight=1):
    """@task or @task(weight) on a method of a User or TaskSet."""

    def mark(func):
        func.locust_task_weight = weight
        return func

    if callable(weight):  # used without parentheses
        func, weight = weight, 1
        return mark(func)
    return mark


def tag(*tags):
    def mark(decorated):
        if not hasattr(decorated, "locust_tag_set"):
            decorated.locust_tag_set = set()
        decorated.locust_tag_set.update(tags)
        return decorated

    if len(tags) == 0 or callable(tags[0]):
        raise ValueError("No tag name was supplied")
    return mark


def collect_tasks(bases, class_dict):
    """The weighted task list of a class: `tasks` (list or {task: weight}) or @task methods, plus its bases'."""
    tasks = []
    for base in bases:
        tasks.extend(getattr(base, "tasks", None) or [])
    declared = class_dict.get("tasks")
    if declared is not None:
        if isinstance(declared, dict):
            for item, weight in declared.items():
                tasks.extend([item] * weight)
        else:
            tasks.extend(declared)
    for item in class_dict.values():
        if "locust_task_weight" in dir(item):
            tasks.extend([item] * item.locust_task_weight)
    return tasks


def filter_tasks_by_tags(holder, tags=None, exclude_tags=None, checked=None):
    """Keeps the tasks -T selects and -E does not exclude (a TaskSet tagged as a whole counts as tagged)."""
    if checked is None:
        checked = {}
    kept = []
    for item in holder.tasks:
        if item in checked:
            if checked[item]:
                kept.append(item)
            continue
        passing = True
        item_tags = getattr(item, "locust_tag_set", set())
        if tags is not None:
            passing &= bool(item_tags & tags)
        if exclude_tags is not None:
            passing &= not (item_tags & exclude_tags)
        if passing and isinstance(item, type) and issubclass(item, TaskSet):
            inner_tags = None if tags is None or item_tags & tags else tags
            filter_tasks_by_tags(item, inner_tags, exclude_tags, checked)
            passing &= bool(item.tasks)
        checked[item] = passing
        if passing:
            kept.append(item)
    holder.tasks = kept


class NoTasksError(Exception):
    """A User or TaskSet with nothing to run (Locust raises a plain Exception with this text)."""


class TaskSetMeta(type):
    def __new__(mcs, name, bases, class_dict):
        class_dict["tasks"] = collect_tasks(bases, class_dict)
        return type.__new__(mcs, name, bases, class_dict)


def is_taskset(item):
    return isinstance(item, type) and issubclass(item, TaskSet)


class TaskSet(metaclass=TaskSetMeta):
    tasks = []
    min_wait = None
    max_wait = None
    wait_function = None

    def __init__(self, parent):
        self._task_queue = []
        self._time_start = native.monotonic()
        self._parent = parent
        self._user = parent if not isinstance(parent, TaskSet) else parent.user

    @property
    def user(self):
        return self._user

    @property
    def parent(self):
        return self._parent

    @property
    def client(self):
        return self._user.client

    def on_start(self):
        pass

    def on_stop(self):
        pass

    def get_next_task(self):
        if not self.tasks:
            raise NoTasksError(
                f"No tasks defined on {self.__class__.__name__}. Use the @task decorator or set the 'tasks' property of the TaskSet"
            )
        return random.choice(self.tasks)

    def schedule_task(self, task_callable, first=False):
        if first:
            self._task_queue.insert(0, task_callable)
        else:
            self._task_queue.append(task_callable)

    def wait_time(self):
        if self._user.wait_time:
            return self._user.wait_time()
        raise MissingWaitTimeError(
            "You must define a wait_time method on either the %s or %s class"
            % (type(self.user).__name__, type(self).__name__)
        )

    def wait(self):
        """Blocks for wait_time() seconds (the I/O of other users goes on meanwhile)."""
        self._sleep(self.wait_time())

    def _sleep(self, seconds):
        native.sleep(seconds)

    def interrupt(self, reschedule=True):
        raise InterruptTaskSet(reschedule)

    # ---- squall: the TaskSet's life as a generator, one yield per task ----
    def _run_task(self, item):
        """Runs one task; a generator when the task is a TaskSet (its whole life)."""
        if is_taskset(item):
            return item(self)._steps()
        if hasattr(item, "__self__") and item.__self__ is self:
            item()  # a bound method of ours
        else:
            item(self)
        return None

    def _steps(self):
        try:
            self.on_start()
        except InterruptTaskSet as e:
            if e.reschedule:
                raise RescheduleTaskImmediately(e.reschedule).with_traceback(e.__traceback__)
            raise RescheduleTask(e.reschedule).with_traceback(e.__traceback__)
        while True:
            try:
                if not self._task_queue:
                    try:
                        self.schedule_task(self.get_next_task())
                    except NoTasksError as e:
                        # Nothing to run, ever: one error for the class, then its users stop (a loop
                        # here logged a traceback per pass, tens of thousands a second).
                        owner = type(self._user)
                        if not getattr(owner, "_squall_no_tasks_reported", False):
                            owner._squall_no_tasks_reported = True
                            report_exception(self._user.environment, e)
                        raise StopUser() from e
                try:
                    nested = self._run_task(self._task_queue.pop(0))
                    if nested is not None:
                        yield from nested
                except RescheduleTaskImmediately:
                    pass
                except RescheduleTask:
                    self.wait()
                else:
                    self.wait()
                yield
            except InterruptTaskSet as e:
                self.on_stop()
                if e.reschedule:
                    raise RescheduleTaskImmediately(e.reschedule).with_traceback(e.__traceback__)
                raise RescheduleTask(e.reschedule).with_traceback(e.__traceback__)
            except native.Interrupted:
                native.adopt_interrupt()  # the VU is being stopped: on_stop's requests may still go out
                self.on_stop()
                raise
            except StopUser:
                self.on_stop()
                raise
            except GeneratorExit:
                raise
            except Exception as e:
                self._user.environment.events.user_error.fire(user_instance=self, exception=e, tb=e.__traceback__)
                report_exception(self._user.environment, e)
                self.wait()
                yield


class DefaultTaskSet(TaskSet):
    """The TaskSet of a User that lists its tasks itself: they run with the user as `self`."""

    def get_next_task(self):
        if not self.user.tasks:
            hint = ""
            if getattr(self.user, "task", None) is not None:
                hint = ", but you have set a 'task' attribute on your class - maybe you meant to set 'tasks'?"
            raise NoTasksError(
                f"No tasks defined on {self.user.__class__.__name__}{hint} Use the @task decorator or set the 'tasks' attribute of the User (or mark it as abstract = True if you only intend to subclass it)"
            )
        return random.choice(self.user.tasks)

    def _run_task(self, item):
        if is_taskset(item):
            return item(self.user)._steps()
        if hasattr(item, "__self__") and item.__self__ is self.user:
            item()
        else:
            item(self.user)
        return None


class SequentialTaskSet(TaskSet):
    """Runs its tasks in the order declared, again and again (weights ignored, as in Locust)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._task_index = 0

    def get_next_task(self):
        if not self.tasks:
            raise NoTasksError(f"No tasks defined on {self.__class__.__name__}")
        item = self.tasks[self._task_index % len(self.tasks)]
        self._task_index += 1
        return item


def report_exception(environment, error):
    """An exception in a task: logged with its traceback and counted in the exceptions table."""
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    logging.error("%s\n%s", error, text)
    runner = environment.runner
    if runner is not None:
        runner.log_exception("local", repr(error), text)
