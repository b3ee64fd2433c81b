# squall's Locust conformance locustfile: every API the Locust front-end offers, checked from
# inside. At quitting it prints "conformance: N/M" and the failed checks, and sets the exit code
# (0 all passed, 2 otherwise). Run with -u 4 -r 100 -t 3s against the demo target.
import datetime
import time

from locust import (FastHttpUser, HttpUser, SequentialTaskSet, TaskSet, between, constant, constant_pacing,
                    constant_throughput, events, run_single_user, tag, task)
from locust.exception import CatchResponseError, InterruptTaskSet, RescheduleTask, StopUser
from locust.runners import MasterRunner

results = {}
seen = {"requests": 0, "request_names": set(), "sequence": [], "on_stop": 0, "init": 0, "test_start": 0,
        "nested": 0, "interrupts": 0, "tagged": 0, "excluded": 0}


def check(name, ok):
    passed, total = results.get(name, (0, 0))
    results[name] = (passed + (1 if ok else 0), total + 1)


@events.init.add_listener
def on_init(environment, **kwargs):
    seen["init"] += 1
    check("init gets the environment, not a master runner", not isinstance(environment.runner, MasterRunner))


@events.test_start.add_listener
def on_test_start(environment, **kwargs):
    seen["test_start"] += 1


@events.request.add_listener
def on_request(request_type, name, response_time, response_length, exception, context, **kwargs):
    seen["requests"] += 1
    seen["request_names"].add(name)
    check("request event: numbers", response_time >= 0 and response_length >= 0)


class Nested(TaskSet):
    @task
    def inner(self):
        seen["nested"] += 1
        check("a TaskSet's client is its user's", self.client is self.user.client)
        check("parent is the user", self.parent is self.user)
        self.interrupt()


class Ordered(SequentialTaskSet):
    def on_start(self):
        self.order = []

    @task
    def first(self):
        self.order.append(1)

    @task
    def second(self):
        self.order.append(2)
        check("sequential order", self.order == [1, 2])
        seen["sequence"].append(2)
        raise InterruptTaskSet(reschedule=False)


class ApiUser(HttpUser):
    wait_time = constant(0.01)
    weight = 3
    tasks = {Nested: 1, Ordered: 1}

    def on_start(self):
        r = self.client.post("/auth/token", json={"username": "u", "password": "p"})
        check("json body and json()", r.status_code == 200 and "access_token" in r.json())
        self.client.headers.update({"Authorization": "Bearer " + r.json()["access_token"]})
        check("elapsed is a timedelta", isinstance(r.elapsed, datetime.timedelta))
        check("ok", r.ok and bool(r))

    def on_stop(self):
        seen["on_stop"] += 1

    @task(4)
    def users(self):
        r = self.client.get("/api/users", params={"page": 1})
        check("session headers go out", r.status_code == 200)
        check("headers are case-insensitive", "json" in r.headers["content-type"] and "json" in r.headers["Content-Type"])
        check("url has the query", r.url.endswith("/api/users?page=1"))
        check("text and content", r.text.startswith("{") and isinstance(r.content, bytes))

    @task(2)
    def catch(self):
        with self.client.get("/api/nope", catch_response=True, name="caught 404") as r:
            check("a 404 arrives", r.status_code == 404)
            r.success()
        with self.client.post("/echo", data="hello", catch_response=True) as r:
            check("echo body (data=str)", r.json()["body"] == "hello")
            r.failure("marked failed")
        try:
            with self.client.get("/small", catch_response=True, name="raised") as r:
                raise CatchResponseError("raised inside")
        except CatchResponseError:
            check("other exceptions leave the block, unreported", True)

    @task(1)
    def errors(self):
        r = self.client.get("/api/nope", name="plain 404")
        check("raise_for_status raises", _raises(r.raise_for_status))
        r = self.client.get("/redirect?n=2", allow_redirects=False, name="no redirect")
        check("allow_redirects=False", r.status_code == 302)
        r = self.client.get("/redirect?n=2", name="redirects")
        check("redirects followed", r.status_code == 200)

    @tag("slow")
    @task(1)
    def tagged(self):
        seen["tagged"] += 1

    @tag("never")
    @task(1)
    def excluded(self):
        seen["excluded"] += 1

    @task(1)
    def reschedule(self):
        raise RescheduleTask()

    @task(1)
    def blows_up(self):
        raise ValueError("a task's own bug")


def _raises(fn):
    try:
        fn()
    except Exception:
        return True
    return False


class FastUser(FastHttpUser):
    wait_time = constant_throughput(20)
    weight = 1

    @task
    def rest_calls(self):
        with self.rest("POST", "/echo", json={"a": 1}) as r:
            check("rest() parses JSON", r.js["body"] == '{"a": 1}' and r.js["headers"]["Accept"] == "application/json")
        with self.rest("GET", "/small") as r:
            check("rest() fails on a body that is not JSON", r.js is None)
        time.sleep(0.01)  # time.sleep in a task: squall's sleep, the other users go on

    @task
    def stop(self):
        if seen["requests"] > 30:
            raise StopUser()


@events.quitting.add_listener
def on_quitting(environment, **kwargs):
    check("init fired once", seen["init"] == 1)
    check("test_start fired once", seen["test_start"] == 1)
    check("request event fired", seen["requests"] > 10 and "caught 404" in seen["request_names"])
    check("nested TaskSets ran", seen["nested"] > 0)
    check("SequentialTaskSet ran", len(seen["sequence"]) > 0)
    check("-E excludes", seen["excluded"] == 0)
    check("stats: total", environment.stats.total.num_requests > 10)
    check("stats: failures counted", environment.stats.total.num_failures > 0)
    check("stats: percentile <= max", environment.stats.total.get_response_time_percentile(0.99)
          <= environment.stats.total.max_response_time)
    check("wait functions", 1 <= between(1, 2)(None) <= 2 and constant(3)(None) == 3
          and constant_pacing(1)(ApiUser.__new__(ApiUser)) == 0)
    passed = sum(p for p, _ in results.values())
    total = sum(t for _, t in results.values())
    failed = [name for name, (p, t) in results.items() if p != t]
    print(f"conformance: {passed}/{total}")
    for name in failed:
        print(f"conformance failed: {name} {results[name]}")
    environment.process_exit_code = 0 if not failed else 2


if __name__ == "__main__":  # Locust's debugger entry point: never taken when squall imports this file
    run_single_user(HttpUser)
