"""The runner of a squall run: one process, Locust's LocalRunner interface.
The load itself is scheduled by squall's core; this object keeps what Locust
keeps in Python (failures, exceptions) and answers what locustfiles ask."""
import hashlib
import threading

import _squall_native as native

STATE_INIT, STATE_SPAWNING, STATE_RUNNING, STATE_CLEANUP, STATE_STOPPING, STATE_STOPPED, STATE_MISSING = [
    "ready", "spawning", "running", "cleanup", "stopping", "stopped", "missing",
]


def parse_error(error):
    """Locust's failure key: the error's repr, without memory addresses."""
    text = repr(error)
    at = text.find("object at 0x")
    if at >= 0:
        end = text.find(">", at)
        if end >= 0:
            text = text[: at + len("object at ")] + "0x...." + text[end:]
    return text


class Runner:
    def __init__(self, environment):
        self.environment = environment
        self.state = STATE_INIT
        self.exceptions = {}
        self.errors = {}  # (method, name, error text) -> occurrences
        self._lock = threading.Lock()
        self.target_user_count = 0
        self.spawning_greenlet = None

    @property
    def user_count(self):
        return native.active_users()

    @property
    def stats(self):
        return self.environment.stats

    def log_failure(self, method, name, error):
        key = (method, name, parse_error(error))
        with self._lock:
            self.errors[key] = self.errors.get(key, 0) + 1

    def log_exception(self, node_id, msg, formatted_tb):
        key = hashlib.md5(formatted_tb.encode("utf-8")).hexdigest()
        with self._lock:
            row = self.exceptions.setdefault(key, {"count": 0, "msg": msg, "traceback": formatted_tb, "nodes": set()})
            row["count"] += 1
            row["nodes"].add(node_id)

    def quit(self):
        native.stop_test()

    def stop(self):
        native.stop_test()


class LocalRunner(Runner):
    pass


class DistributedRunner(Runner):
    pass


class MasterRunner(DistributedRunner):
    pass


class WorkerRunner(DistributedRunner):
    pass
