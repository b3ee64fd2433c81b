"""FastHttpUser: Locust's geventhttpclient user. In squall both users share
the same engine; FastHttpUser keeps its own extras (rest(), FastResponse)."""
import json as jsonlib
from contextlib import contextmanager

from ..clients import HttpSession, Response
from ..exception import LocustError
from ..user.users import User


class FastResponse(Response):
    pass


class FastHttpSession(HttpSession):
    _response_class = FastResponse

    def __init__(self, environment, base_url, user=None, insecure=True, **kwargs):
        super().__init__(base_url=base_url, request_event=environment.events.request, user=user)


class FastHttpUser(User):
    abstract = True
    network_timeout = 60.0
    connection_timeout = 60.0
    max_redirects = 5
    max_retries = 1
    insecure = True
    default_headers = None
    concurrency = 10
    client_pool = None

    def __init__(self, environment):
        super().__init__(environment)
        if self.host is None:
            raise LocustError(
                "You must specify the base host. Either in the host attribute in the User class, or on the command line using the --host option."
            )
        self.client = FastHttpSession(environment, base_url=self.host, user=self)
        if self.default_headers:
            self.client.headers.update(self.default_headers)

    @contextmanager
    def rest(self, method, url, headers=None, **kwargs):
        """A JSON request whose `js` is the parsed body; a body that is not JSON fails the request."""
        headers = dict(headers or {})
        if not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json"
        if not any(k.lower() == "accept" for k in headers):
            headers["Accept"] = "application/json"
        with self.client.request(method, url, catch_response=True, headers=headers, **kwargs) as response:
            response.js = None
            if response.error is not None:
                response.failure(str(response.error))
            elif response.text:
                try:
                    response.js = response.json()
                except jsonlib.JSONDecodeError as e:
                    response.failure(
                        f"Could not parse response as JSON. {response.text[:250]}, response code {response.status_code}, error {e}"
                    )
            yield response
