"""A live `gitops-bridge serve` for the browser check: temp rules, random secrets, free loopback ports, signed pushes.

The rules give one GitHub source (its secret by `env:` reference, a random value) and three command targets, each on
a rule and environment of its own so that no run supersedes another:
- `web` succeeds, printing two lines;
- `database` fails with a clear message on stderr and exit status 3;
- `workers` prints a line, then waits for a file the check creates while it watches the log (so the line printed
  after it can only arrive live), prints another, then waits until it is canceled. Both waits end by themselves once
  the temp folder is gone (or after five minutes), so a copy the bridge left behind never outlives the check.
"""
import hashlib
import hmac
import json
import os
import secrets
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

SOURCE = "shop-github"
REPOSITORY = "acme/shop"
WAITING_LINE = "workers: waiting for the go-ahead"
LIVE_LINE = "workers: halfway there, rolling the rest"
FAILURE_LINE = "error: migration 0042_orders failed: relation orders already exists"

RULES = """\
version: 1
sources:
  {source}: {{forge: github, secret: env:BROWSER_CHECK_GITHUB_SECRET}}
targets:
  web: {{provider: command, timeout: 2m, run: ["sh", "-c", "echo building ${{repository}}@${{short_sha}}; echo web: deployed"]}}
  database:
    provider: command
    timeout: 2m
    run: ["sh", "-c", "echo database: migrating; echo '{failure}' >&2; exit 3"]
  workers:
    provider: command
    timeout: 5m
    run: ["sh", "-c", "echo '{waiting}'; n=0; while [ ! -e '{go}' ]; do [ -d '{work}' ] && [ $n -lt 1500 ] || exit 1; n=$((n+1)); sleep 0.2; done; echo '{live}'; n=0; while [ -d '{work}' ] && [ $n -lt 1500 ]; do n=$((n+1)); sleep 0.2; done; echo workers: done"]
rules:
  - {{name: web-staging, source: {source}, on: push, branches: [main], environment: staging, deploy: [{{target: web}}]}}
  - {{name: database-staging, source: {source}, on: push, branches: [main], environment: database, deploy: [{{target: database}}]}}
  - {{name: workers-staging, source: {source}, on: push, branches: [main], environment: workers, deploy: [{{target: workers}}]}}
"""


def free_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        return listener.getsockname()[1]


class Bridge:
    """Starts `serve` in `work`; `stop()` always ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, binary, work):
        self.binary = binary
        self.work = work
        self.go_file = os.path.join(work, "go")
        self.github_secret = "ghsecret-" + secrets.token_hex(16)
        self.viewer_token = "viewer-" + secrets.token_hex(16)
        self.operator_token = "operator-" + secrets.token_hex(16)
        self.port = free_port()
        self.admin_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_url = f"http://127.0.0.1:{self.admin_port}"
        self.process = None
        self.signatures = []

    def secret_values(self):
        """Every value that must never be shown: the webhook secret, both tokens, the signatures sent."""
        return [self.github_secret, self.viewer_token, self.operator_token] + self.signatures

    def start(self):
        rules = os.path.join(self.work, "rules.yaml")
        with open(rules, "w", encoding="utf-8") as file:
            file.write(RULES.format(source=SOURCE, failure=FAILURE_LINE, waiting=WAITING_LINE, live=LIVE_LINE, go=self.go_file,
                                    work=self.work))
        env = dict(os.environ, BROWSER_CHECK_GITHUB_SECRET=self.github_secret,
                   BROWSER_CHECK_VIEWER_TOKEN=self.viewer_token, BROWSER_CHECK_OPERATOR_TOKEN=self.operator_token)
        command = [self.binary, "serve", "--rules", rules, "--database", os.path.join(self.work, "bridge.db"),
                   "--listen", f"127.0.0.1:{self.port}", "--admin-listen", f"127.0.0.1:{self.admin_port}",
                   "--shutdown-grace", "3",
                   "--admin-token", "viewer=viewer:env:BROWSER_CHECK_VIEWER_TOKEN",
                   "--admin-token", "ops=operator:env:BROWSER_CHECK_OPERATOR_TOKEN"]
        self.log = open(os.path.join(self.work, "server.log"), "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._wait_ready()

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited with {self.process.returncode}: {self.server_log()}")
            try:
                if http("GET", self.url + "/readyz")[0] == 200 and http("GET", self.admin_url + "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("serve did not become ready within a minute: " + self.server_log())

    def server_log(self):
        with open(os.path.join(self.work, "server.log"), encoding="utf-8", errors="replace") as file:
            return file.read()[-2000:]

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()

    def push(self, delivery, branch="main", sha=None):
        """Posts a push signed as GitHub signs it; answers (status, JSON answer)."""
        sha = sha or secrets.token_hex(20)
        body = json.dumps({
            "ref": f"refs/heads/{branch}", "before": "0" * 40, "after": sha, "created": False, "deleted": False,
            "forced": False, "base_ref": None, "compare": f"https://github.com/{REPOSITORY}/compare/{branch}",
            "commits": [{"id": sha, "message": "Deploy the browser check", "timestamp": "2026-12-01T06:00:00Z",
                         "author": {"name": "alice", "email": "alice@example.com", "username": "alice"},
                         "added": [], "removed": [], "modified": ["api/orders.go"]}],
            "head_commit": {"id": sha, "message": "Deploy the browser check", "modified": ["api/orders.go"]},
            "repository": {"id": 42, "name": "shop", "full_name": REPOSITORY, "private": True, "default_branch": "main",
                           "clone_url": f"https://github.com/{REPOSITORY}.git", "html_url": f"https://github.com/{REPOSITORY}"},
            "pusher": {"name": "alice", "email": "alice@example.com"}, "sender": {"login": "alice", "id": 1},
        }).encode()
        signature = "sha256=" + hmac.new(self.github_secret.encode(), body, hashlib.sha256).hexdigest()
        self.signatures.append(signature.removeprefix("sha256="))
        headers = {"Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": delivery,
                   "X-Hub-Signature-256": signature, "User-Agent": "GitHub-Hookshot/browser-check"}
        status, _, answer = http("POST", f"{self.url}/hooks/{SOURCE}", body, headers)
        return status, json.loads(answer or b"null")

    def append_to_log(self, step_id, text):
        """Appends to a step's stored log as the worker does with a provider's progress (`appendLog`), through SQLite."""
        with sqlite3.connect(os.path.join(self.work, "bridge.db"), timeout=10) as db:
            db.execute("UPDATE steps SET log = coalesce(log, '') || ? WHERE id = ?", (text, step_id))

    def api(self, path, method="GET", token=None):
        """The admin JSON API as the operator (or `token`): (status, decoded body)."""
        headers = {"Authorization": f"Bearer {token or self.operator_token}"}
        status, _, body = http(method, self.admin_url + "/api/v1" + path, None, headers)
        return status, json.loads(body or b"null")

    @staticmethod
    def wait_until(condition, what, timeout):
        """Polls `condition()` every 0.2 s; an AssertionError names `what` when it never holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.2)
        raise AssertionError(f"no {what} within {timeout} s")

    def wait_for_run(self, predicate, what, timeout=60):
        """Polls the API until a run satisfies `predicate`; answers it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, page = self.api("/runs?limit=100")
            runs = page.get("items", []) if status == 200 and isinstance(page, dict) else []
            for run in runs:
                if predicate(run):
                    return run
            time.sleep(0.2)
        raise AssertionError(f"no run {what} within {timeout} s; runs: {runs}")


def http(method, url, body=None, headers=None, timeout=15):
    """One request: (status, headers, body bytes); an HTTP error status is an answer, not an exception."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
