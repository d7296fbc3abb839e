"""Fills a migrated gitops-bridge SQLite file with N deliveries, N runs (one per delivery) and 2N steps, as the bridge
records them (same columns and JSON shapes), in one transaction: 4 sources, 20 repositories, 6 rules, 3 environments, run
statuses mostly succeeded with some failed, queued and running. Usage: admin_fill.py DB N"""
import json, random, sqlite3, sys

db, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
sources = [("gh", "github"), ("gl", "gitlab"), ("gt", "gitea"), ("bb", "bitbucket")]
rules = ["main-staging", "release-prod", "api", "web", "docs", "infra"]
environments = ["staging", "production", None]
start = 1_760_000_000_000  # ms
statuses = ["succeeded"] * 85 + ["failed"] * 10 + ["canceled"] * 3 + ["superseded"] * 2
connection = sqlite3.connect(db)
connection.execute("PRAGMA synchronous = OFF")
connection.execute("PRAGMA journal_mode = WAL")
deliveries, runs, steps = [], [], []
for i in range(1, count + 1):
    source, forge = sources[i % len(sources)]
    repository = f"acme/repo-{i % 20}"
    sha = f"{i:040x}"
    at = start + i * 1000
    event = {"forge": forge, "repository": repository, "refKind": "branch", "refName": "main", "sha": sha, "before": "0" * 40,
             "created": False, "deleted": False, "forced": False, "changedPaths": ["api/x.go"], "pathsTruncated": False,
             "pusher": "alice", "cloneURL": f"https://example.com/{repository}.git"}
    rule = rules[i % len(rules)]
    headers = [{"name": "content-type", "value": "application/json"}, {"name": "x-github-delivery", "value": f"d-{i}"},
               {"name": "x-hub-signature-256", "value": "(masked)"}]
    events = [{"event": event, "verdicts": [{"rule": rule, "matched": True, "reason": "matched"}]}]
    deliveries.append((i, source, forge, f"d-{i}", "push", at, "queued", None, json.dumps(headers), json.dumps(events), repository))
    status = "queued" if i > count - 20 else "running" if i > count - 25 else random.choice(statuses)
    environment = environments[i % len(environments)]
    runs.append((i, i, rule, environment, source, forge, repository, "refs/heads/main", "branch", "main", sha, json.dumps(event),
                 "[]", status, at, at + 5000, at, None if status in ("queued", "running") else at + 5000))
    step_status = {"queued": "pending", "running": "running", "superseded": "skipped"}.get(status, status)
    for position in (1, 2):
        s = step_status if position == 1 else ("pending" if status in ("queued", "running") else step_status)
        steps.append((i * 2 + position - 2, i, position, "smoke", "command", '{"run":["echo"]}', "smoke", s, 1,
                      f"line {position} of run {i}\n" * 5, at, at + 5000))
connection.executemany(
    "INSERT INTO deliveries (id, source, forge, delivery_key, event_name, received_at, status, reason, headers, events, repository)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?)", deliveries)
connection.executemany(
    "INSERT INTO runs (id, delivery_id, rule, environment, source, forge, repository, ref, ref_kind, ref_name, sha, event, notes,"
    " status, created_at, updated_at, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", runs)
connection.executemany(
    "INSERT INTO steps (id, run_id, position, target, provider, parameters, resource, status, attempts, log, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", steps)
connection.commit()
connection.close()
