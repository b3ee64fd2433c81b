"""HttpSession: the requests-like client of HttpUser (and, with FastResponse's
extras, of FastHttpUser), on squall's HTTP engine. Each request is reported
once: at once, or when a `catch_response=True` block ends."""
import base64
import datetime
import json as jsonlib
import re
import time
from urllib.parse import urlencode, urljoin, urlsplit

import _squall_native as native
from .exception import CatchResponseError, ResponseError


class HTTPError(Exception):
    """requests.exceptions.HTTPError's name and text: a status of 400 or more."""


class CaseInsensitiveDict(dict):
    """Header names in any case: headers["content-type"] finds "Content-Type"."""

    def __init__(self, items=()):
        super().__init__()
        self._keys = {}
        for key, value in (items.items() if isinstance(items, dict) else items):
            self[key] = value

    def __setitem__(self, key, value):
        lower = key.lower()
        old = self._keys.get(lower)
        if old is not None and old != key:
            super().__delitem__(old)
        self._keys[lower] = key
        super().__setitem__(key, value)

    def __getitem__(self, key):
        return super().__getitem__(self._keys.get(key.lower(), key))

    def __delitem__(self, key):
        real = self._keys.pop(key.lower(), key)
        super().__delitem__(real)

    def __contains__(self, key):
        return isinstance(key, str) and key.lower() in self._keys

    def get(self, key, default=None):
        return self[key] if key in self else default

    def update(self, other=(), **kwargs):
        for key, value in (other.items() if isinstance(other, dict) else other):
            self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def pop(self, key, *default):
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default:
            return default[0]
        raise KeyError(key)

    def copy(self):
        return CaseInsensitiveDict(self)


def _charset(content_type):
    match = re.search(r"charset=([\w.-]+)", content_type or "", re.I)
    return match.group(1) if match else None


_path_urls = {}  # full URL -> path_url: a locustfile requests the same URLs again and again


def _path_url(url):
    path = _path_urls.get(url)
    if path is None:
        parts = urlsplit(url)
        path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        if len(_path_urls) >= 4096:  # URLs with ids in them would grow it without end
            _path_urls.clear()
        _path_urls[url] = path
    return path


class PreparedRequest:
    __slots__ = ("method", "url", "_headers", "body")

    def __init__(self, method, url, headers, body):
        self.method, self.url, self._headers, self.body = method, url, headers, body

    @property
    def headers(self):
        if not isinstance(self._headers, CaseInsensitiveDict):
            self._headers = CaseInsensitiveDict(self._headers)
        return self._headers

    @property
    def path_url(self):
        return _path_url(self.url)


class Response:
    """What a request returns: requests.Response's fields, read lazily from the engine's answer."""

    def __init__(self, exchange, request):
        self._exchange = exchange
        self.request = request
        self.status_code = exchange.status
        self.error = None
        if exchange.error:
            self.error = (TimeoutError if exchange.timed_out else ConnectionError)(exchange.error)
        self._content = None
        self._headers = None
        self._encoding = None
        self.history = []

    @property
    def url(self):
        return self._exchange.url

    @property
    def reason(self):
        return self._exchange.reason

    @property
    def content(self):
        if self._content is None:
            self._content = self._exchange.body
        return self._content

    @property
    def headers(self):
        if self._headers is None:
            self._headers = CaseInsensitiveDict(self._exchange.headers)
        return self._headers

    @property
    def encoding(self):
        if self._encoding is None:
            self._encoding = _charset(self.headers.get("content-type")) or "utf-8"
        return self._encoding

    @encoding.setter
    def encoding(self, value):
        self._encoding = value

    @property
    def text(self):
        return self.content.decode(self.encoding, errors="replace")

    def json(self, **kwargs):
        return jsonlib.loads(self.content, **kwargs)

    @property
    def elapsed(self):
        return datetime.timedelta(seconds=self._exchange.elapsed)

    @property
    def cookies(self):
        jar = {}
        for name, value in self._exchange.headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                if "=" in pair:
                    key, val = pair.split("=", 1)
                    jar[key.strip()] = val.strip()
        return jar

    @property
    def ok(self):
        return self.error is None and 0 < self.status_code < 400

    def __bool__(self):
        return self.ok

    def __repr__(self):
        return f"<Response [{self.status_code}]>"

    def failure_reason(self):
        """The error Locust reports for this response, or None when it succeeded."""
        if self.error is not None:
            return self.error
        if self.status_code >= 400:
            kind = "Client Error" if self.status_code < 500 else "Server Error"
            return HTTPError(f"{self.status_code} {kind}: {self.reason} for url: {self.url}")
        return None

    def raise_for_status(self):
        reason = self.failure_reason()
        if reason is not None:
            raise reason


class ResponseContextManager(Response):
    """`with client.get(..., catch_response=True) as response:` — the block decides success or failure.
    As in Locust, the manager is the response: its class derives from the response's, and it shares
    the response's attributes."""

    _classes = {}  # response class -> its context manager class

    def __new__(cls, response, session, request_meta):
        response_class = type(response)
        manager_class = cls._classes.get(response_class)
        if manager_class is None:
            manager_class = cls if issubclass(cls, response_class) else \
                type(response_class.__name__ + "ContextManager", (cls, response_class), {})
            cls._classes[response_class] = manager_class
        return object.__new__(manager_class)

    def __init__(self, response, session, request_meta):
        self.__dict__ = response.__dict__
        self._session = session
        self._meta = request_meta
        self._manual_result = None
        self._entered = False

    def __enter__(self):
        self._entered = True
        return self

    def __exit__(self, exc_type, value, tb):
        if self._manual_result is not None:
            self._report(None if self._manual_result is True else self._manual_result)
            return exc_type is None or issubclass(exc_type, ResponseError)
        if exc_type is None:
            self._report(self.failure_reason())
            return True
        if issubclass(exc_type, ResponseError):
            self._report(value)
            return True
        return False  # any other exception goes on up, and the request is not reported (as in Locust)

    def _report(self, exception):
        self._session._report(self, self._meta, exception)

    def success(self):
        self._manual_result = True

    def failure(self, exc):
        if not isinstance(exc, Exception):
            exc = CatchResponseError(exc)
        self._manual_result = exc


class HttpSession:
    """requests.Session's interface: base_url, headers, auth, get/post/... and request()."""

    def __init__(self, base_url, request_event=None, user=None, *args, **kwargs):
        self.base_url = base_url or ""
        self.request_event = request_event
        self.user = user
        self.headers = CaseInsensitiveDict()
        self.auth = None
        self.verify = True
        self.request_name = None

    def _build_url(self, path):
        if path[:8].lower().startswith(("http://", "https://")):
            return path
        base = self.base_url
        if not base:
            raise ValueError(f"Invalid URL {path!r}: no host, and the User has no host (use --host)")
        return base.rstrip("/") + "/" + path.lstrip("/") if path else base

    def request(self, method, url, name=None, catch_response=False, context={}, **kwargs):
        method = method.upper()
        full_url = self._build_url(url)
        params = kwargs.get("params")
        if params:
            query = params if isinstance(params, str) else urlencode(params, doseq=True)
            full_url += ("&" if "?" in full_url else "?") + query
        extra = kwargs.get("headers")
        if not self.headers:
            headers = {k: v for k, v in extra.items() if v is not None} if extra else {}
        else:
            headers = dict(self.headers)
            if extra:
                for key, value in extra.items():
                    lower = key.lower()
                    for existing in [k for k in headers if k.lower() == lower]:
                        del headers[existing]
                    if value is not None:
                        headers[key] = value
        body = None
        if kwargs.get("json") is not None:
            body = jsonlib.dumps(kwargs["json"]).encode()
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = "application/json"
        elif kwargs.get("data") is not None:
            data = kwargs["data"]
            if isinstance(data, (dict, list, tuple)):
                body = urlencode(data, doseq=True).encode()
                if not any(k.lower() == "content-type" for k in headers):
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                body = data.encode() if isinstance(data, str) else bytes(data)
        auth = kwargs.get("auth") or self.auth
        if auth:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            headers["Authorization"] = "Basic " + token
        cookies = kwargs.get("cookies")
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        timeout = kwargs.get("timeout")
        if isinstance(timeout, tuple):
            timeout = sum(t for t in timeout if t)
        allow_redirects = kwargs.get("allow_redirects", method != "HEAD")
        request = PreparedRequest(method, full_url, headers, body)
        request_name = name or self.request_name or request.path_url
        start_time = time.time()
        exchange = native.request(method, full_url, request_name, headers, body, timeout or 0.0,
                                  bool(allow_redirects), not catch_response)
        response = self._response_class(exchange, request)
        meta = {"request_type": method, "name": request_name, "start_time": start_time, "context": context,
                "url": full_url}
        if catch_response:
            return ResponseContextManager(response, self, meta)
        self._report(response, meta, response.failure_reason(), recorded=True)
        return response

    _response_class = Response

    def _report(self, response, meta, exception, recorded=False):
        """Counts the request once: its sample (unless already recorded), the failure, the request event."""
        if not recorded:
            response._exchange.record(exception is None)
        if exception is not None:
            runner = self.user.environment.runner if self.user is not None else None
            if runner is not None:
                runner.log_failure(meta["request_type"], meta["name"], exception)
        event = self.request_event
        if event is not None and event._handlers:
            event._notify(request_type=meta["request_type"], name=meta["name"],
                       response_time=response._exchange.elapsed * 1000.0, response_length=len(response.content),
                       response=response, context=meta["context"], exception=exception,
                       start_time=meta["start_time"], url=meta["url"])

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, data=None, json=None, **kwargs):
        return self.request("POST", url, data=data, json=json, **kwargs)

    def put(self, url, data=None, **kwargs):
        return self.request("PUT", url, data=data, **kwargs)

    def patch(self, url, data=None, **kwargs):
        return self.request("PATCH", url, data=data, **kwargs)

    def delete(self, url, **kwargs):
        return self.request("DELETE", url, **kwargs)

    def head(self, url, **kwargs):
        return self.request("HEAD", url, **kwargs)

    def options(self, url, **kwargs):
        return self.request("OPTIONS", url, **kwargs)
