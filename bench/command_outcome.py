"""Measures, for one gitops-bridge binary, how long after a command exits its outcome is durably on record.

Runs the bridge on a fresh database with one `command` target whose program writes a nanosecond timestamp
(CLOCK_REALTIME) to a file as its very last act, then exits 0. Sends signed GitHub pushes one at a time (each waits
for the previous run to finish, so nothing queues) and, while each runs, polls the database every 0.5 ms through a
read-only connection: the first moment a reader sees the step finished is when its outcome was committed (in WAL
mode, with synchronous=FULL, a commit is visible to readers only once it is written and synced). Prints one JSON
object per step: the exit time, when the step was seen finished, and the bridge's own `finished_at` (milliseconds,
taken just before the commit).

usage: command_outcome.py BIN WORKDIR STEPS
"""
import hashlib
import hmac
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

binary, work, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
os.makedirs(work, exist_ok=True)
secret = os.urandom(16).hex()
# The command sleeps 50-299 ms (varied per step, so exits fall at every phase of the bridge's own timers), then
# execs `date`, whose exit is the command's: it writes the time just before it exits.
rules = f"""version: 1
sources:
  bench: {{forge: github, secret: env:BENCH_SECRET}}
targets:
  stamp:
    provider: command
    run:
      - sh
      - -c
      - >-
        sleep $(printf '0.%03d' $(( (GITOPS_STEP * 37) % 250 + 50 )));
        exec date +%s%N > {work}/exit-$GITOPS_STEP
rules:
  - {{name: main, source: bench, on: push, branches: [main], deploy: [stamp]}}
"""
with open(f"{work}/rules.yaml", "w") as f:
    f.write(rules)
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
database = f"{work}/bench.sqlite"
server = subprocess.Popen(
    [binary, "serve", "--rules", f"{work}/rules.yaml", "--database", database, "--listen", f"127.0.0.1:{port}",
     "--log-level", "error", "--workers", "1"],
    env={**os.environ, "BENCH_SECRET": secret}, stdout=subprocess.DEVNULL)
try:
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, isolation_level=None)
    for i in range(steps):
        sha = hashlib.sha1(f"{work}-{i}".encode()).hexdigest()
        body = json.dumps({
            "ref": "refs/heads/main", "before": "0" * 40, "after": sha, "created": False, "deleted": False,
            "commits": [{"id": sha, "added": [], "removed": [], "modified": ["api/orders.go"]}], "head_commit": {"id": sha},
            "repository": {"id": 1, "name": "shop", "full_name": "acme/shop", "clone_url": "https://github.com/acme/shop.git"},
            "pusher": {"name": "alice"}, "sender": {"login": "alice"},
        }).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{port}/hooks/bench", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-GitHub-Event": "push", "X-GitHub-Delivery": f"bench-{i}",
            "X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()})
        run = json.load(urllib.request.urlopen(request, timeout=10))["runs"][0]["id"]
        seen, deadline = None, time.monotonic() + 30
        while seen is None and time.monotonic() < deadline:
            row = db.execute("SELECT id, status, finished_at FROM steps WHERE run_id = ?", (run,)).fetchone()
            if row and row[1] not in ("pending", "running"):
                seen = time.time_ns()
                step, status, finished = row
            else:
                time.sleep(0.0005)
        if seen is None or status != "succeeded":
            print(json.dumps({"step": i, "error": "not finished" if seen is None else status}), flush=True)
            continue
        with open(f"{work}/exit-{step}") as f:
            exited = int(f.read())
        print(json.dumps({"step": step, "exit_ns": exited, "seen_ns": seen, "finished_ms": finished}), flush=True)
        # Let the bridge finish the step's clean-up before the next one.
        time.sleep(0.05)
finally:
    server.terminate()
    server.wait(timeout=60)
