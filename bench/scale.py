#!/usr/bin/env python3
"""Latency of every kind of read at one dataset size, against a running Durand.

Used by bench/scale (which starts the servers); standard library only.

  scale.py latency BASE SIZE OUT.json   p50/p99 of each read (sequential, keep-alive)
  scale.py plans BASE LOG OUT.md        one request per read against a server whose
                                        database connection runs auto_explain; the plans
                                        it logs for each request, as Markdown
  scale.py table RESULTS.json...        the table, from the latency files
"""

import http.client
import json
import statistics
import sys
import time
import urllib.parse

# Each read: a name and a path. `{mid}` is an incident in the middle of the id range.
READS = [
    ("actors, first page", "/v1/actors?limit=50"),
    ("sources, first page", "/v1/sources?limit=50"),
    ("incidents, first page", "/v1/incidents?limit=50"),
    ("claims, first page", "/v1/claims?limit=50"),
    ("force figures, first page", "/v1/force-figures?limit=50"),
    ("incidents by kind", "/v1/incidents?kind=air_strike&limit=50"),
    ("incidents by country", "/v1/incidents?country=PK&limit=50"),
    ("incidents by admin1", "/v1/incidents?admin1=Kandahar&limit=50"),
    ("incidents in a bbox", "/v1/incidents?bbox=69,33,70,34&limit=50"),
    ("incidents from/to (one year)", "/v1/incidents?from=2012-01-01&to=2012-12-31&limit=50"),
    ("incidents by actor", "/v1/incidents?actor=syn-afghan-taliban-0&limit=50"),
    ("claims by claimant", "/v1/claims?claimant=syn-pakistan-0&limit=50"),
    ("claims about an actor", "/v1/claims?about=syn-afghan-taliban-0&limit=50"),
    ("claims by status", "/v1/claims?status=disputed&limit=50"),
    ("claims from/to (one month)", "/v1/claims?from=2015-03&to=2015-03&limit=50"),
    ("deep keyset page (page 1,000 of 5)", "DEEP"),
    ("an incident", "/v1/incidents/syn-incident-{mid}"),
    ("a claim", "/v1/claims/syn-claim-{mid}-0"),
    ("search, a common phrase", "/v1/search?q=taliban%20border&limit=20"),
    ("search, a rare term", "/v1/search?q=4242&limit=20"),
    ("timeline (one year)", "/v1/timeline?from=2014&to=2014&limit=50"),
    ("force comparison", "/v1/force-comparison?actors=syn-pakistan-0,syn-afghan-taliban-0&metric=active_personnel"),
    ("incidents, count=true", "/v1/incidents?count=true&limit=50"),
    ("claims by claimant, count=true", "/v1/claims?claimant=syn-pakistan-0&count=true&limit=50"),
    ("incidents as_of version 1", "/v1/incidents?as_of=1&limit=50"),
    ("an incident as_of version 1", "/v1/incidents/syn-incident-{mid}?as_of=1"),
    ("claims by claimant as_of 1", "/v1/claims?claimant=syn-pakistan-0&as_of=1&limit=50"),
    ("change feed from 0", "/v1/changes?since=0&limit=100"),
    ("dataset (with counts)", "/v1/dataset"),
]


def connect(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=120)


def get(conn, path):
    conn.request("GET", path, headers={"Accept-Encoding": "identity"})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200:
        raise SystemExit(f"{path}: HTTP {r.status}: {body[:300]!r}")
    return body


def deep_path(conn):
    """The path of page 1,000 of the incidents at 5 a page, by walking the cursors."""
    path = "/v1/incidents?limit=5"
    for _ in range(999):
        page = json.loads(get(conn, path))
        path = page["links"]["next"]
        if not path:
            raise SystemExit("fewer than 1,000 pages")
    return path


def resolve(conn, path, size):
    if path == "DEEP":
        return deep_path(conn)
    return path.format(mid=size // 2)


def latency(base, size, out):
    conn = connect(base)
    results = {}
    for name, path in READS:
        path = resolve(conn, path, size)
        get(conn, path)  # warm: the first read of a page pulls it into the buffer cache
        samples = []
        started = time.monotonic()
        while len(samples) < 40 and (len(samples) < 5 or time.monotonic() - started < 8):
            t = time.perf_counter()
            get(conn, path)
            samples.append((time.perf_counter() - t) * 1000)
        samples.sort()
        p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
        results[name] = {"path": path, "n": len(samples), "p50": statistics.median(samples), "p99": p99}
        print(f"  {name:40} p50 {results[name]['p50']:8.2f} ms  p99 {p99:8.2f} ms  (n={len(samples)})", flush=True)
    json.dump({"size": size, "reads": results}, open(out, "w"), indent=1)


def plans(base, log, out, size):
    conn = connect(base)
    lines = []
    for name, path in READS:
        path = resolve(conn, path, size)
        time.sleep(0.3)
        start = len(open(log).readlines())
        get(conn, path)
        time.sleep(0.3)
        new = open(log).readlines()[start:]
        lines.append(f"### {name}\n\n`GET {path}`\n\n```")
        for line in new:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            message = event.get("message") or event.get("fields", {}).get("message", "")
            if "plan:" in message:
                lines.append(message.strip())
                lines.append("")
        lines.append("```\n")
    open(out, "w").write("\n".join(lines))


def table(files):
    runs = [json.load(open(f)) for f in files]
    sizes = [r["size"] for r in runs]
    head = "| read | " + " | ".join(f"{s:,} p50 / p99 (ms)" for s in sizes) + " | p50 ratio, largest / smallest |"
    print(head)
    print("|" + "---|" * (len(sizes) + 2))
    for name, _ in READS:
        cells = []
        for r in runs:
            x = r["reads"].get(name)
            cells.append(f"{x['p50']:.2f} / {x['p99']:.2f}" if x else "-")
        first, last = runs[0]["reads"].get(name), runs[-1]["reads"].get(name)
        ratio = f"{last['p50'] / first['p50']:.2f}×" if first and last else "-"
        print(f"| {name} | " + " | ".join(cells) + f" | {ratio} |")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "latency":
        latency(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "plans":
        plans(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif cmd == "table":
        table(sys.argv[2:])
