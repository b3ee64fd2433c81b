#!/usr/bin/env python3
"""Looks at squall's pages in headless Chromium through chromedriver (WebDriver over HTTP, stdlib only).

  check_page.py report FILE.html SCREENSHOT.png
      the HTML report: four charts drawn with data, no console message at warning level or above.
  check_page.py dashboard URL SCREENSHOT.png
      the live dashboard during a run: charts drawn with data and redrawn every second, the counters
      growing, no console errors; then the stop button is clicked and the page must say the run stops.

Exits 0 when every check holds; otherwise prints what failed and exits 1.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="squall-chromium-")
        self.driver = subprocess.Popen([CHROMEDRIVER, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                if self.call("GET", "/status")["value"]["ready"]:
                    break
            except OSError:
                time.sleep(0.1)
        options = {"binary": CHROMIUM,
                   "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--window-size=1280,1000", f"--user-data-dir={self.profile}"]}
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options, "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.session = self.call("POST", "/session", caps)["value"]["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def session_call(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)["value"]

    def open(self, url):
        self.session_call("POST", "/url", {"url": url})

    def run(self, script):
        return self.session_call("POST", "/execute/sync", {"script": script, "args": []})

    def wait_for(self, script, seconds, what):
        deadline = time.time() + seconds
        while time.time() < deadline:
            value = self.run(script)
            if value:
                return value
            time.sleep(0.2)
        raise AssertionError(f"timed out after {seconds}s waiting for {what}")

    def console(self):
        return self.session_call("POST", "/se/log", {"type": "browser"})

    def screenshot(self, path):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.session_call("GET", "/screenshot")))

    def click(self, css):
        element = self.session_call("POST", "/element", {"using": "css selector", "value": css})
        element_id = next(iter(element.values()))
        self.session_call("POST", f"/element/{element_id}/click", {})

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)


# Points drawn per chart: one number per chart (its polylines' points together).
CHART_POINTS = """
return Array.from(document.querySelectorAll('svg.chart')).map(svg =>
  Array.from(svg.querySelectorAll('polyline')).reduce((n, line) =>
    n + line.getAttribute('points').trim().split(/\\s+/).filter(Boolean).length, 0));
"""


def problems_in_console(browser):
    return [entry for entry in browser.console() if entry.get("level") in ("SEVERE", "WARNING")]


def check_report(path, screenshot):
    browser = Browser()
    try:
        browser.open("file://" + os.path.abspath(path))
        points = browser.wait_for(CHART_POINTS + "", 10, "the report's charts")
        assert len(points) == 4, f"expected 4 charts, found {len(points)}"
        assert all(n >= 2 for n in points), f"a chart has no data: points per chart {points}"
        tables = browser.run("return document.querySelectorAll('table').length;")
        assert tables >= 3, f"expected the report's tables, found {tables}"
        browser.screenshot(screenshot)
        problems = problems_in_console(browser)
        assert not problems, f"console: {problems}"
        print(f"report: 4 charts with {points} points, {tables} tables, console clean; screenshot {screenshot}")
    finally:
        browser.close()


def check_dashboard(url, screenshot):
    browser = Browser()
    try:
        browser.open(url)
        state = "return [document.getElementById('state').textContent, +document.getElementById('requests').textContent];"
        browser.wait_for(CHART_POINTS.replace("return ", "const p = ") + "return p.length == 4 && p.every(n => n >= 2) && p;",
                         20, "the dashboard's charts to show data")
        first = browser.run(CHART_POINTS)
        running, requests = browser.run(state)
        assert running == "running", f"state is '{running}'"
        # Redrawn every second: more points and more requests a few seconds later.
        browser.wait_for(f"const p = {CHART_POINTS.strip()[7:]} return p[0] > {first[0]};".replace("return Array", "Array"),
                         5, "the charts to be redrawn with a new second")
        browser.wait_for(f"return +document.getElementById('requests').textContent > {requests};", 5, "the request count to grow")
        browser.screenshot(screenshot)
        problems = problems_in_console(browser)
        assert not problems, f"console: {problems}"
        browser.click("#stop")
        final = browser.wait_for("const s = document.getElementById('state').textContent;"
                                 "return s != 'running' && document.getElementById('stop').disabled && s;",
                                 10, "the page to say the run stops")
        print(f"dashboard: charts {first} points then more, requests growing, console clean, stop clicked -> '{final}'; "
              f"screenshot {screenshot}")
    finally:
        browser.close()


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("report", "dashboard"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        (check_report if sys.argv[1] == "report" else check_dashboard)(sys.argv[2], sys.argv[3])
    except AssertionError as e:
        print(f"{sys.argv[1]}: FAILED: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
