#!/usr/bin/env python3
"""`make bench`: Durand's reads against the framework's ceiling and Datasette, in one run.

Run through `bench/speed` (which provides DATABASE_URL). It builds release, fills a fresh
database with synthetic records (`durand generate`), and measures a fixed mix of reads with
wrk (-t2 -c64, rate limiting off) against these servers, on the same 2 cores as wrk:

  ceiling   a minimal actix-web server answering each read with Durand's exact bytes
            from memory (examples/ceiling.rs): the most this framework does here;
  cached    Durand as deployed (response cache on, version listener up), warmed;
  uncached  Durand with DURAND_CACHE_BYTES=0: every read is built from PostgreSQL;
  datasette Datasette (PyPI) serving the same records, exported to SQLite.

Every server runs at once and each read is measured on all four back to back. It prints
requests/s, p50/p99 and each server's RSS after the mix, Durand's ratios to both,
the first read after a write against an uncached read, and writes the table into
bench/RESULTS.md between its markers. Settings: BENCH_SECONDS (4), BENCH_CONNECTIONS (64),
BENCH_INCIDENTS (2000).
"""

import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "4"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "64"))
INCIDENTS = int(os.environ.get("BENCH_INCIDENTS", "2000"))
DATASETTE = "datasette==0.65.1"
PORTS = {"ceiling": 18401, "cached": 18402, "uncached": 18403, "datasette": 18404}
MARK_START = "<!-- bench:speed:start -->"
MARK_END = "<!-- bench:speed:end -->"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def run(*cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def get(url, headers=None):
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as res:
        return res.status, {k.lower(): v for k, v in res.headers.items()}, res.read()


def wait_ready(url, proc, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: the server for {url} exited ({proc.returncode})")
        try:
            get(url)
            return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"bench: {url} did not answer")


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, headers=()):
    """Requests/s, p50 and p99 (ms) of wrk against one URL; fails on any error answer."""
    cmd = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx or 3xx responses" in out or re.search(r"Socket errors: connect [1-9]", out):
        sys.exit(f"bench: errors from {url}:\n{out}")
    timeouts = re.search(r"timeout (\d+)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = ms(re.search(r"\s50%\s+(\S+)", out).group(1))
    p99 = ms(re.search(r"\s99%\s+(\S+)", out).group(1))
    return {"rps": rps, "p50": p50, "p99": p99, "timeouts": int(timeouts.group(1)) if timeouts else 0}


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("bench: installing wrk (Debian package)")
        run("apt-get", "install", "-y", "-q", "wrk", stdout=subprocess.DEVNULL)
        return
    sys.exit("bench: needs wrk (Debian: apt-get install wrk)")


def ensure_datasette(work):
    venv = ROOT / "target" / "bench-venv"
    exe = venv / "bin" / "datasette"
    if not exe.exists():
        log(f"bench: installing {DATASETTE} into {venv}")
        run(sys.executable, "-m", "venv", str(venv))
        run(str(venv / "bin" / "pip"), "install", "-q", DATASETTE)
    return exe


def durand(url, port, extra_env=None):
    env = dict(os.environ, DATABASE_URL=url, DURAND_ADDR=f"127.0.0.1:{port}",
               DURAND_RATE_LIMIT_PER_MINUTE="0", RUST_LOG="warn", **(extra_env or {}))
    proc = subprocess.Popen([str(ROOT / "target/release/durand"), "serve"], env=env)
    wait_ready(f"http://127.0.0.1:{port}/readyz", proc)
    return proc


def mix(base):
    """The fixed mix: (name, Durand path, extra headers); ids read from the data."""
    _, _, body = get(f"{base}/v1/incidents?limit=1")
    incident = json.loads(body)["data"][0]["id"]
    _, _, body = get(f"{base}/v1/claims?limit=200")
    claims = json.loads(body)["data"]
    claimants = [c["claimant"] for c in claims]
    claimant = max(set(claimants), key=claimants.count)
    _, _, body = get(f"{base}/v1/force-figures?limit=200")
    actors = []
    for f in json.loads(body)["data"]:
        if f["actor"] not in actors:
            actors.append(f["actor"])
    word = claims[0]["statement"].split()[1].strip(".,")
    _, headers, _ = get(f"{base}/v1/actors")
    etag = headers["etag"]
    return [
        ("actor list", "/v1/actors", []),
        ("claim page, filtered", f"/v1/claims?claimant={claimant}&limit=50", []),
        ("incident", f"/v1/incidents/{incident}", []),
        ("force comparison", f"/v1/force-comparison?actors={','.join(actors[:2])}", []),
        ("search", f"/v1/search?q={word}&limit=20", []),
        ("CSV page", "/v1/claims?format=csv&limit=500", []),
        ("304 revalidation", "/v1/actors", [f"If-None-Match: {etag}"]),
        ("as_of read", "/v1/claims?as_of=1&limit=50", []),
    ], {"claimant": claimant, "incident": incident, "actors": actors[:2], "word": word}


def datasette_paths(picked):
    """The same reads on Datasette, where it has one (no 304s, no past versions)."""
    a, b = picked["actors"]
    return {
        "actor list": "/bench/actors.json?_size=50&_nocount=1",
        "claim page, filtered": f"/bench/claims.json?claimant={picked['claimant']}&_size=50&_nocount=1",
        "incident": f"/bench/incidents/{picked['incident']}.json",
        "force comparison": f"/bench/force_figures.json?actor__in={a},{b}&_size=100&_nocount=1",
        "search": f"/bench/claims.json?_search={picked['word']}&_size=20&_nocount=1",
        "CSV page": "/bench/claims.csv?_size=500&_nocount=1",
    }


def to_sqlite(export_lines, path):
    """The export's records as one SQLite table per type; nested values as JSON text."""
    tables = {}
    for line in export_lines:
        rec = json.loads(line)
        if rec.get("type") in (None, "dataset", "end") or "data" not in rec:
            continue
        tables.setdefault(rec["type"] + "s", []).append(rec["data"])
    db = sqlite3.connect(path)
    for name, rows in tables.items():
        cols = []
        for r in rows:
            cols += [k for k in r if k not in cols]
        db.execute(f"create table {name} ({', '.join(f'[{c}]' + (' text primary key' if c == 'id' else '') for c in cols)})")
        for r in rows:
            values = [v if isinstance(v, (str, int, float)) or v is None else json.dumps(v)
                      for v in (r.get(c) for c in cols)]
            db.execute(f"insert into {name} values ({', '.join('?' * len(cols))})", values)
    db.execute("create index claims_claimant on claims (claimant)")
    db.execute("create index force_figures_actor on force_figures (actor)")
    db.execute("create virtual table claims_fts using fts5 (statement, content=[claims])")
    db.execute("insert into claims_fts (claims_fts) values ('rebuild')")
    db.commit()
    counts = {n: len(r) for n, r in tables.items()}
    db.close()
    return counts


def first_read_after_write(url, cached_base, uncached_base, rounds=40):
    """Median ms of the first read of a claim page after a write (cache on), and of the same
    read on the uncached server."""
    token = json.loads(subprocess.run(
        [str(ROOT / "target/release/durand"), "keys", "create", "--name", "bench", "--scope", "write"],
        env=dict(os.environ, DATABASE_URL=url, RUST_LOG="warn"), check=True,
        capture_output=True, text=True).stdout)["token"]
    _, _, body = get(f"{cached_base}/v1/claims?limit=1")
    claim = json.loads(body)["data"][0]["id"]
    page = "/v1/claims?limit=50"
    after, uncached = [], []
    for i in range(rounds):
        status, headers, _ = get(f"{cached_base}/v1/claims/{claim}")
        req = urllib.request.Request(
            f"{cached_base}/v1/claims/{claim}", method="PATCH",
            data=json.dumps({"status_note": f"bench round {i}"}).encode(),
            headers={"Authorization": f"Bearer {token}", "If-Match": headers["etag"],
                     "Content-Type": "application/merge-patch+json"})
        urllib.request.urlopen(req, timeout=30).read()
        start = time.perf_counter()
        get(cached_base + page)
        after.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        get(uncached_base + page)
        uncached.append((time.perf_counter() - start) * 1000)
    return statistics.median(after), statistics.median(uncached)


def main():
    ensure_wrk()
    work = Path(tempfile.mkdtemp(prefix="durand-bench-"))
    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    db = f"durand_bench_speed_{os.getpid()}"
    url = f"{server}/{db}"
    procs = []
    try:
        log("bench: building release (durand, examples/ceiling)")
        run("cargo", "build", "--quiet", "--release", "--bin", "durand", "--example", "ceiling", cwd=ROOT)
        run("psql", "-Xq", f"{server}/postgres", "-c", f"create database {db}")
        env = dict(os.environ, DATABASE_URL=url, RUST_LOG="warn")
        run(str(ROOT / "target/release/durand"), "migrate", env=env, stdout=subprocess.DEVNULL)
        log(f"bench: generating {INCIDENTS} incidents and {2 * INCIDENTS} claims")
        run(str(ROOT / "target/release/durand"), "generate", "--incidents", str(INCIDENTS),
            "--edits", "20", env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        datasette = ensure_datasette(work)

        # Durand, cache on: pick the mix, capture its bytes, export the records.
        cached = durand(url, PORTS["cached"])
        procs.append(cached)
        base = f"http://127.0.0.1:{PORTS['cached']}"
        targets, picked = mix(base)
        manifest = []
        for i, (label, path, headers) in enumerate(targets):
            if headers:
                continue
            _, h, body = get(base + path)
            (work / f"{i}.body").write_bytes(body)
            manifest.append({"target": path, "file": f"{i}.body",
                             "content_type": h["content-type"], "etag": h["etag"]})
        (work / "manifest.json").write_text(json.dumps(manifest))
        _, _, export = get(f"{base}/v1/export")
        counts = to_sqlite(export.decode().splitlines(), work / "bench.db")
        log(f"bench: SQLite for Datasette: {counts}")
        # Every server up at once (an idle one costs nothing), and each read measured on
        # all of them back to back, so that a ratio compares runs seconds apart.
        uncached = durand(url, PORTS["uncached"], {"DURAND_CACHE_BYTES": "0"})
        procs.append(uncached)
        ubase = f"http://127.0.0.1:{PORTS['uncached']}"
        ceiling = subprocess.Popen([str(ROOT / "target/release/examples/ceiling"),
                                    f"127.0.0.1:{PORTS['ceiling']}", str(work / "manifest.json")])
        procs.append(ceiling)
        cbase = f"http://127.0.0.1:{PORTS['ceiling']}"
        wait_ready(f"{cbase}/v1/actors", ceiling)
        ds = subprocess.Popen([str(datasette), "serve", "-i", str(work / "bench.db"), "-p",
                               str(PORTS["datasette"]), "--setting", "max_returned_rows", "1000",
                               "--setting", "suggest_facets", "off"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(ds)
        dbase = f"http://127.0.0.1:{PORTS['datasette']}"
        wait_ready(f"{dbase}/bench.json", ds)
        dpaths = datasette_paths(picked)
        servers = {"ceiling": (cbase, ceiling), "cached": (base, cached),
                   "uncached": (ubase, uncached), "datasette": (dbase, ds)}
        results = {name: {} for name in servers}
        for label, path, headers in targets:
            for name, (server_base, _) in servers.items():
                if name == "datasette":
                    if label not in dpaths:
                        continue
                    path_here, headers_here = dpaths[label], []
                else:
                    path_here, headers_here = path, headers
                if not headers_here:  # warm: the first read builds what the next reuse
                    for _ in range(3):
                        get(server_base + path_here)
                results[name][label] = wrk(server_base + path_here, headers_here)
                log(f"  {name:9} {label:22} {results[name][label]['rps']:>10,.0f} req/s")
        rss = {name: rss_mib(proc.pid) for name, (_, proc) in servers.items()}
        stop(ceiling)
        stop(ds)

        # The first read after a write on the cached server, against the same read uncached.
        after, cold = first_read_after_write(url, base, ubase)
        stop(cached)
        stop(uncached)

        table = report(targets, results, rss, after, cold)
        print(table)
        write_results(table)
    finally:
        for p in procs:
            stop(p)
        subprocess.run(["psql", "-Xq", f"{server}/postgres", "-c",
                        f"drop database if exists {db} with (force)"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


def report(targets, results, rss, after, cold):
    c, d, u, s = (results[k] for k in ("ceiling", "cached", "uncached", "datasette"))
    lines = [
        f"wrk -t2 -c{CONNECTIONS} -d{SECONDS}s per read and server, each read on the four servers back to back, {os.cpu_count()} cores, "
        f"{INCIDENTS} incidents / {2 * INCIDENTS} claims (durand generate); "
        f"{time.strftime('%Y-%m-%d')}",
        "",
        "| read | ceiling req/s (p50 / p99 ms) | Durand cached req/s (p50 / p99) | cached ÷ ceiling | p99 ÷ ceiling p99 | Durand uncached req/s (p50 / p99) | Datasette req/s (p50 / p99) | uncached ÷ Datasette |",
        "|---|---|---|---|---|---|---|---|",
    ]
    fmt = lambda r: f"{r['rps']:,.0f} ({r['p50']:.2f} / {r['p99']:.2f})"
    for label, _, _ in targets:
        ds = s.get(label)
        lines.append(
            f"| {label} | {fmt(c[label])} | {fmt(d[label])} | {100 * d[label]['rps'] / c[label]['rps']:.0f} % "
            f"| {d[label]['p99'] / c[label]['p99']:.2f}× | {fmt(u[label])} | "
            + (f"{fmt(ds)} | {u[label]['rps'] / ds['rps']:.1f}× |" if ds else "— | — |"))
    lines += [
        "",
        f"RSS after the mix: ceiling {rss['ceiling']:.1f} MiB, Durand cached "
        f"{rss['cached']:.1f} MiB (cache bound {32} MiB, default), Durand uncached "
        f"{rss['uncached']:.1f} MiB, Datasette {rss['datasette']:.1f} MiB.",
        f"First read of a 50-claim page after a write (cache on): median {after:.2f} ms; the same "
        f"read on the uncached server: median {cold:.2f} ms (40 rounds, one client).",
    ]
    return "\n".join(lines)


def write_results(table):
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text()
    block = f"{MARK_START}\n{table}\n{MARK_END}"
    if MARK_START in text:
        text = re.sub(re.escape(MARK_START) + ".*?" + re.escape(MARK_END), lambda _: block,
                      text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
    log("bench: table written to bench/RESULTS.md")


if __name__ == "__main__":
    main()
