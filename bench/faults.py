#!/usr/bin/env python3
"""Faults against a release build of Durand (run through bench/faults, which gives it a
throwaway PostgreSQL cluster it may stop). Standard library only. Prints three figures:

1. Requests lost on SIGTERM (goal 0). Each round: a fresh server; one second of reads from 20
   keep-alive clients on /v1/claims (every worker opens pooled connections); another session
   holds the writers' advisory lock for 3 s; creates and patches are sent (they wait for the
   lock); SIGTERM 1 s later; reads continue throughout. Lost: a request sent before SIGTERM
   that got no answer or a 5xx; a write answered as failed that committed; a write answered
   as done that is not stored. Requests sent after SIGTERM on a new connection are refused
   by design (the process stops accepting) and counted apart.
2. Other clients' reads while 12 clients stall an export (goal 100 %): 12 sockets ask for
   /v1/export of a dataset of several MB, read 1 KiB and stop reading; then 20 other reads,
   each given 5 s.
3. A database outage: a client polls /v1/claims; PostgreSQL is stopped (`pg_ctl stop -m
   fast`): the time from its stop to the first 503 (goal < 1.5 s) and how long 503s take
   during the outage; then it is started again: the time from it accepting connections to the
   first 200 (goal < 2 s).
"""

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

BIN = os.environ["DURAND_BIN"]
DB = os.environ["DATABASE_URL"]
PORT = int(os.environ.get("BENCH_PORT", "18391"))
ROUNDS = int(os.environ.get("ROUNDS", "10"))
INCIDENTS = os.environ.get("INCIDENTS", "4000")
WRITE_LOCK = 0x6475_7261_6E64
PG_CTL = os.environ.get("DURAND_PG_CTL")
PG_DATA = os.environ.get("DURAND_PG_DATA")
RUN_AS = os.environ.get("DURAND_PG_RUN_AS", "").split()
PATCHED = ["claim-a", "claim-b"]  # replaced by real ids in main()
TEMPLATE = {}  # a stored claim, copied for creates (set in main())


# Scenario 1 writes to the bundled dataset (creates copy a real claim, which passes every
# check); scenarios 2 and 3 read a synthetic one of several MB.
WRITES_DB = DB.rsplit("/", 1)[0] + "/durand_faults_writes"


def cli(*args, db=DB):
    env = dict(os.environ, DATABASE_URL=db, RUST_LOG="warn")
    return subprocess.run([BIN, *args], env=env, check=True, capture_output=True, text=True).stdout


def psql(sql, db=DB):
    return subprocess.run(
        ["psql", "-XAtq", db, "-c", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def serve(db=DB, **env):
    full = dict(
        os.environ,
        DATABASE_URL=db,
        DURAND_ADDR=f"127.0.0.1:{PORT}",
        DURAND_RATE_LIMIT_PER_MINUTE="0",
        RUST_LOG="error",
        **env,
    )
    proc = subprocess.Popen([BIN, "serve"], env=full, stdout=subprocess.DEVNULL)
    for _ in range(1200):
        if request("GET", "/readyz", timeout=2)[0] == 200:
            return proc
        time.sleep(0.05)
    proc.kill()
    sys.exit("the server did not become ready")


def request(method, path, body=None, headers=None, timeout=10, conn=None):
    """(status, headers, body bytes), or (error name, None, None). Reuses `conn` if given."""
    own = conn is None
    c = conn or http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        return r.status, dict(r.getheaders()), data
    except Exception as e:  # noqa: BLE001: any failure is a figure here
        c.close()
        return type(e).__name__, None, None
    finally:
        if own:
            c.close()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- 1. SIGTERM -------------------------------------------------------------------------


def sigterm_round(n, token):
    proc = serve(WRITES_DB, DURAND_SHUTDOWN_GRACE="30", DURAND_LOCK_TIMEOUT_MS="8000")
    # One second of reads from 20 clients, so every worker opens pooled connections.
    stop = time.time() + 1

    def warm(i):
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        while time.time() < stop:
            request("GET", f"/v1/claims?limit={1 + i % 20}", conn=c)
        c.close()

    threads = [threading.Thread(target=warm, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # Reads that go on through the shutdown, each on a keep-alive connection.
    reads, reading = [], [True]

    def reader():
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        while reading[0]:
            sent = time.time()
            status = request("GET", "/v1/claims?limit=5", conn=c)[0]
            reads.append((sent, status))
            if not isinstance(status, int):
                c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                time.sleep(0.05)

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for t in readers:
        t.start()

    holder = subprocess.Popen(
        ["psql", "-XAtq", WRITES_DB, "-c", f"select pg_advisory_lock({WRITE_LOCK})", "-c", "select pg_sleep(3)"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    creates, patches = [(0, 1), (1, 0), (2, 2), (1, 1)][n % 4]
    writes = []

    def write(kind, ident, method, path, body, headers):
        status = request(method, path, body=json.dumps(body), headers=headers, timeout=40)[0]
        writes.append((kind, ident, body, status))

    auth = {"Authorization": f"Bearer {token}"}
    senders = []
    for i in range(creates):
        ident = f"faults-{os.getpid()}-{n}-{i}"
        body = dict(TEMPLATE, id=ident, contradicted_by=[])
        body["statement"] = f"{TEMPLATE['statement']} (bench copy {n}.{i})"
        headers = dict(auth, **{"Content-Type": "application/json"})
        senders.append(threading.Thread(target=write, args=("create", ident, "POST", "/v1/claims", body, headers)))
    for ident in PATCHED[:patches]:
        status, h, _ = request("GET", f"/v1/claims/{ident}")
        headers = dict(auth, **{"Content-Type": "application/merge-patch+json", "If-Match": h["etag"]})
        body = {"status_note": f"faults round {n} {os.getpid()}"}
        senders.append(
            threading.Thread(target=write, args=("patch", ident, "PATCH", f"/v1/claims/{ident}", body, headers))
        )
    for t in senders:
        t.start()
    time.sleep(1)
    term_at = time.time()
    proc.send_signal(signal.SIGTERM)
    for t in senders:
        t.join()
    holder.wait()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
    reading[0] = False
    for t in readers:
        t.join()

    lost_writes = cut_writes = 0
    for kind, ident, body, status in writes:
        if kind == "create":
            stored = psql(f"select count(*) from claims where id = '{ident}'", WRITES_DB) == "1"
        else:
            note = psql(f"select doc->>'status_note' from claims where id = '{ident}'", WRITES_DB)
            stored = note == body["status_note"]
        ok = isinstance(status, int) and 200 <= status < 300
        # Lost: answered as failed but committed, or answered as done but not stored.
        lost_writes += ok != stored
        # Cut: in flight at SIGTERM and not let finish (a 5xx or no answer).
        cut_writes += not (isinstance(status, int) and status < 500)
    before = [s for t, s in reads if t < term_at]
    after = [s for t, s in reads if t >= term_at]
    lost_reads = sum(1 for s in before if not (isinstance(s, int) and s < 500))
    answered_after = sum(1 for s in after if isinstance(s, int) and s < 500)
    return {
        "writes": len(writes),
        "lost_writes": lost_writes,
        "cut_writes": cut_writes,
        "write_statuses": [s for _, _, _, s in writes],
        "reads_before": len(before),
        "lost_reads": lost_reads,
        "after": len(after),
        "answered_after": answered_after,
        "exit": proc.returncode,
    }


# --- 2. Stalled exports -------------------------------------------------------------------


def stalled_exports():
    size = len(request("GET", "/v1/export", timeout=120)[2] or b"")
    sockets = []
    for _ in range(12):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", PORT))
        s.sendall(b"GET /v1/export HTTP/1.1\r\nHost: bench\r\n\r\n")
        s.recv(1024)
        sockets.append(s)
    time.sleep(2)  # the server fills the socket buffers and waits
    paths = ["/v1/claims?limit=20", "/v1/actors", "/v1/incidents?limit=10", "/v1/dataset", "/v1/force-figures"]
    results = []
    for i in range(20):
        started = time.time()
        status = request("GET", paths[i % len(paths)], timeout=5)[0]
        results.append((status, time.time() - started))
    metrics = request("GET", "/metrics")[2].decode()
    pool = {
        line.split('"')[1]: line.rsplit(" ", 1)[1]
        for line in metrics.splitlines()
        if line.startswith("durand_db_pool_connections{")
    }
    for s in sockets:
        s.close()
    ok = sum(1 for s, _ in results if s == 200)
    return size, ok, len(results), pct([t for _, t in results], 50), pool


# --- 3. Database outage ---------------------------------------------------------------------


def pg_ctl(*args):
    subprocess.run([*RUN_AS, PG_CTL, "-D", PG_DATA, *args], check=True, stdout=subprocess.DEVNULL)


def outage():
    events, polling = [], [True]

    def poll():
        while polling[0]:
            sent = time.time()
            status = request("GET", "/v1/claims?limit=5", timeout=15)[0]
            events.append((sent, time.time(), status))
            time.sleep(0.01)

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(1)
    stopped = time.time()
    pg_ctl("stop", "-m", "fast", "-w", "-s")
    time.sleep(3)
    pg_ctl("start", "-w", "-s", "-l", os.path.join(os.path.dirname(PG_DATA), "postgres.log"))
    back = time.time()
    time.sleep(3)
    polling[0] = False
    poller.join()
    first_503 = next((end for _, end, s in events if s == 503 and end >= stopped), None)
    down = [end - sent for sent, end, s in events if s == 503 and sent >= stopped]
    first_200 = next((end for _, end, s in events if s == 200 and end >= back), None)
    others = sorted({str(s) for _, _, s in events if s not in (200, 503)})
    return (
        None if first_503 is None else first_503 - stopped,
        down,
        None if first_200 is None else first_200 - back,
        others,
    )


def main():
    print(f"setup: the bundled dataset, and {INCIDENTS} synthetic incidents, on a throwaway cluster", flush=True)
    cli("migrate")
    cli("generate", "--incidents", INCIDENTS, "--edits", "0")
    proc = serve(WRITES_DB)  # migrates and loads the bundled dataset
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    token = json.loads(cli("keys", "create", "--name", "faults", "--scope", "write", db=WRITES_DB))["token"]
    ids = psql("select id from claims order by id limit 2", WRITES_DB).split()
    PATCHED[:] = ids
    # A claim no other contradicts (a denied or disputed one needs its counterparts).
    TEMPLATE.update(
        json.loads(
            psql(
                "select doc from claims where doc->'contradicted_by' = '[]' "
                "and doc->>'status' not in ('denied', 'disputed', 'contradicted') order by id limit 1",
                WRITES_DB,
            )
        )
    )
    lines = []

    print(f"\n1. SIGTERM with writes waiting for the lock and reads running ({ROUNDS} rounds)")
    totals = {"writes": 0, "lost_writes": 0, "cut_writes": 0, "reads_before": 0, "lost_reads": 0, "after": 0, "answered_after": 0}
    for n in range(ROUNDS):
        r = sigterm_round(n, token)
        for k in totals:
            totals[k] += r[k]
        print(
            f"   round {n + 1}: writes {r['write_statuses']}, lost {r['lost_writes']}, cut "
            f"{r['cut_writes']}; reads sent before "
            f"SIGTERM {r['reads_before']}, lost {r['lost_reads']}; sent after {r['after']} "
            f"({r['answered_after']} answered); exit {r['exit']}",
            flush=True,
        )
    lost = totals["lost_writes"] + totals["cut_writes"] + totals["lost_reads"]
    lines.append(
        f"requests lost on SIGTERM: {lost} of {totals['writes'] + totals['reads_before']} "
        f"(writes: {totals['lost_writes']} of {totals['writes']} answered contrary to what was "
        f"stored, {totals['cut_writes']} cut off; {totals['lost_reads']} of "
        f"{totals['reads_before']} reads sent before SIGTERM unanswered or 5xx; goal 0)"
    )

    proc = serve()
    try:
        print("\n2. Twelve clients stall an export", flush=True)
        size, ok, asked, p50, pool = stalled_exports()
        print(f"   export: {size / 1e6:.1f} MB; pool while stalled: {pool}")
        lines.append(
            f"other clients' reads while 12 exports of {size / 1e6:.1f} MB stall: {ok}/{asked} "
            f"answered 200 within 5 s ({100 * ok / asked:.0f} %, p50 {p50 * 1000:.0f} ms; goal 100 %)"
        )

        print("\n3. The database stops, then returns", flush=True)
        if not (PG_CTL and PG_DATA):
            lines.append("outage: skipped (no throwaway cluster to stop)")
        else:
            first_503, down, first_200, others = outage()
            fmt = lambda s: "never" if s is None else f"{s:.2f} s"  # noqa: E731
            lines.append(f"time from `pg_ctl stop -m fast` to the first 503: {fmt(first_503)} (goal < 1.5 s)")
            if down:
                lines.append(
                    f"503s during the outage: {len(down)}, p50 {pct(down, 50) * 1000:.1f} ms, "
                    f"max {max(down) * 1000:.0f} ms each"
                )
            lines.append(f"time from `pg_ctl start -w` returning (accepting connections) to the first 200: {fmt(first_200)} (goal < 2 s)")
            if others:
                lines.append(f"other answers seen during the outage: {', '.join(others)}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)

    cores = os.cpu_count()
    print(f"\nResults ({cores} cores, release build, PostgreSQL {psql('show server_version')}):")
    for line in lines:
        print(f"  - {line}")


if __name__ == "__main__":
    main()
