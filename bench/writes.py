#!/usr/bin/env python3
"""Write throughput and history size, measured against a running server (see bench/writes.sh).

Prints, for the same record in the same run:
  - the read baseline: sequential GETs of a claim (requests/s, latency percentiles);
  - uncontended writes: one client, GET then PATCH with If-Match, on one claim;
  - contended writes: N clients doing read-modify-write on the SAME claim, retrying on 412,
    until each has landed its share: successful writes/s, 412s per success, latencies.
(That no update is lost under contention is a test: tests/api/curation.rs.)
Standard library only (threads and http.client with keep-alive, one connection per client).
"""

import http.client
import json
import os
import statistics
import sys
import threading
import time

PORT = int(os.environ["BENCH_PORT"])
TOKEN = os.environ["DURAND_TOKEN"]
CLAIM = "/v1/claims/pakistan-claims-133-taliban-killed"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def summary(name, latencies, seconds, extra=""):
    print(
        f"{name}: {len(latencies)} in {seconds:.2f} s = {len(latencies) / seconds:.0f}/s; "
        f"latency p50 {pct(latencies, 50):.1f} ms, p95 {pct(latencies, 95):.1f} ms, "
        f"p99 {pct(latencies, 99):.1f} ms{extra}"
    )


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)

    def get(self, path):
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        body = r.read()
        return r.status, r.getheader("ETag"), body

    def patch(self, path, etag, body):
        self.conn.request(
            "PATCH",
            path,
            body=json.dumps(body),
            headers={
                "Authorization": f"Bearer {TOKEN}",
                "If-Match": etag,
                "Content-Type": "application/merge-patch+json",
            },
        )
        r = self.conn.getresponse()
        r.read()
        return r.status


def reads(n):
    c = Client()
    lat = []
    start = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        status, _, _ = c.get(CLAIM)
        assert status == 200, status
        lat.append(time.perf_counter() - t)
    summary("read baseline (GET one claim, 1 client)", lat, time.perf_counter() - start)


def writer(marker, writes, lat, conflicts, errors):
    c = Client()
    done = 0
    while done < writes:
        status, etag, body = c.get(CLAIM)
        statement = json.loads(body)["statement"]
        # Keep the statement short: drop older markers, keep this run's last few.
        base = statement.split(" [")[0]
        mine = f"{base} [{marker}-{done}]"
        t = time.perf_counter()
        status = c.patch(CLAIM, etag, {"statement": mine, "status_note": f"{marker}-{done}"})
        if status == 200:
            lat.append(time.perf_counter() - t)
            done += 1
        elif status == 412:
            conflicts.append(1)
        else:
            errors.append(status)


def writes(clients, each, label):
    lat, conflicts, errors = [], [], []
    threads = [
        threading.Thread(target=writer, args=(f"{label}{i}", each, lat, conflicts, errors))
        for i in range(clients)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    assert not errors, errors
    summary(
        f"writes, {clients} client(s) on one claim (PATCH with If-Match)",
        lat,
        seconds,
        f"; 412s: {len(conflicts)} ({len(conflicts) / max(1, len(lat)):.2f} per success)",
    )
    return len(lat)


def main():
    reads(int(os.environ.get("READS", "500")))
    total = writes(1, int(os.environ.get("SOLO_WRITES", "200")), "solo")
    clients = int(os.environ.get("CLIENTS", "8"))
    total += writes(clients, int(os.environ.get("EACH", "25")), "c")
    print(f"successful writes in all: {total}")
    json.dump({"writes": total}, sys.stderr)


if __name__ == "__main__":
    main()
