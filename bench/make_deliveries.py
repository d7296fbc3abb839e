"""Writes N signed GitHub push deliveries for bench/intake.lua: "<delivery id>\\t<signature>\\t<body>" per line.

Every delivery has its own id and its own commit, so each one is a new delivery AND a new run for the bridge:
the full write path (delivery, run and step rows in one durable transaction) is what gets measured.
An optional fourth argument K spreads the pushes over branches: push i goes to branch s<i mod K>/p<i> (bench/worker,
whose rules give each branch an environment of its own, so no run supersedes another); without it, every push is to main.
"""
import hashlib
import hmac
import json
import sys

count, secret, out = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
branches = int(sys.argv[4]) if len(sys.argv) > 4 else 0
with open(out, "w") as f:
    for i in range(count):
        sha = hashlib.sha1(f"commit-{i}".encode()).hexdigest()
        body = json.dumps({
            "ref": f"refs/heads/s{i % branches}/p{i}" if branches else "refs/heads/main", "before": "0" * 40, "after": sha, "created": False, "deleted": False,
            "forced": False, "base_ref": None, "compare": "https://github.com/acme/shop/compare/x",
            "commits": [{"id": sha, "message": f"change {i}", "timestamp": "2026-11-23T10:00:00Z",
                         "author": {"name": "alice", "email": "alice@example.com", "username": "alice"},
                         "added": [], "removed": [], "modified": ["api/orders.go"]}],
            "head_commit": {"id": sha, "message": f"change {i}", "added": [], "removed": [], "modified": ["api/orders.go"]},
            "repository": {"id": 1, "name": "shop", "full_name": "acme/shop",
                           "clone_url": "https://github.com/acme/shop.git", "default_branch": "main"},
            "pusher": {"name": "alice", "email": "alice@example.com"}, "sender": {"login": "alice", "id": 1},
        }, separators=(",", ":"))
        signature = "sha256=" + hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
        f.write(f"bench-{i}\t{signature}\t{body}\n")
