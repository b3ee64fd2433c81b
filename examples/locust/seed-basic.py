# locustfile.py
from locust import HttpUser, task, between
class APIUser(HttpUser):
    wait_time = between(1, 3) # think time between requests
    def on_start(self):
        """Called once per user when they start."""
        response = self.client.post('/auth/token', json={
            'username': '[email protected]',
            'password': 'testpassword'
        })
        self.token = response.json()['access_token']
    @task(3) # weight: called 3x more often than other tasks
    def list_users(self):
        with self.client.get(
            '/api/users',
            headers={'Authorization': f'Bearer {self.token}'},
            catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f'Expected 200, got {response.status_code}')
    @task(1)
    def create_order(self):
        with self.client.post(
            '/api/orders',
            json={'item_id': 1, 'qty': 1},
            headers={'Authorization': f'Bearer {self.token}'},
            catch_response=True
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f'Unexpected status: {response.status_code}')
