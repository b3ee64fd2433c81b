from locust import HttpUser, task, between, LoadTestShape
import os
class FeedUser(HttpUser):
    wait_time = between(0.1, 0.4)
    def on_start(self):
        token = os.environ["LOAD_TEST_TOKEN"]
        self.client.headers.update({
            "Authorization": f"Bearer {token}",
            "x-synthetic-tenant": "true",
        })
    @task(8)
    def feed(self):
        with self.client.get(
            "/communities/abc/posts?limit=20",
            name="/communities/:id/posts",
            catch_response=True,
        ) as r:
            if r.status_code >= 500:
                r.failure(f"server error {r.status_code}")
    @task(1)
    def post(self):
        self.client.post(
            "/communities/abc/posts",
            name="/communities/:id/posts:create",
            json={"body": "synthetic"},
        )
class MarketOpenSpike(LoadTestShape):
    stages = [
        {"duration": 60, "users": 200, "spawn_rate": 50},
        {"duration": 30, "users": 2000, "spawn_rate": 800},
        {"duration": 600, "users": 2000, "spawn_rate": 200},
        {"duration": 60, "users": 100, "spawn_rate": 50},
    ]
    def tick(self):
        run_time = self.get_run_time()
        elapsed = 0
        for stage in self.stages:
            elapsed += stage["duration"]
            if run_time < elapsed:
                return (stage["users"], stage["spawn_rate"])
        return None
