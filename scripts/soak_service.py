"""The soak (`scripts/bench-service.py soak`): a mixed load at fixed rates on two servers over one
database for a while (10 minutes by default), spread over both servers:

  ingest          a one-hour ride with samples (2.6 MB of JSON), 1 a second
  history         GET /v2/activity of a 30-day range without samples, 20 a second
  history+samples the same for a range of 2 rides, samples included, 1 a second
  userInfo        GET /v2/userInfo, 20 a second
  webhooks        every stored ride announced to a receiver on loopback by both servers' workers

Per route: requests/s, p50, p99, max and errors (which must be 0); every 10 s each server's RSS and
open descriptors, which must stay flat (a leak is a failure): the last third's highest RSS may not
pass the first third's median (after the first minute) by more than 10 %, descriptors by more than
16; each route must reach 95 % of its rate, and every stored ride be announced (distinct
webhook-ids). At least 3 minutes, so that there is a first and a last third to compare.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from importlib import import_module

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
service = import_module("check-service")
delivery_bench = import_module("bench-delivery")


def process_facts(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024
    return rss, len(os.listdir(f"/proc/{pid}/fd"))


class Route:
    def __init__(self, name, rate, call):
        self.name, self.rate, self.call = name, rate, call
        self.latencies, self.errors, self.notes = [], 0, []

    def run(self, servers, until):
        """`rate` calls a second, alternating servers, each at its due time (no catching up in bursts)."""
        n, start = 0, time.monotonic()
        while True:
            due = start + n / self.rate
            if due >= until:
                return
            time.sleep(max(0, due - time.monotonic()))
            # Timed from when the call was due: a server that falls behind shows it in its latencies.
            began = due
            try:
                status = self.call(servers[n % len(servers)])
                if not 200 <= status < 300:
                    self.errors += 1
                    self.notes.append(status)
            except Exception as error:  # a refused or cut connection is an error like a 500
                self.errors += 1
                self.notes.append(repr(error))
            self.latencies.append(time.monotonic() - began)
            n += 1


def soak(binary, database, seconds, workdir_root=None):
    if seconds < 180:
        raise SystemExit("soak: give --seconds 180 or more")
    receiver = delivery_bench.Receiver()
    with tempfile.TemporaryDirectory(dir=workdir_root) as workdir:
        created = json.loads(subprocess.run(
            [binary, "developers", "create", "--name", "Soak", "--webhook-url",
             f"http://127.0.0.1:{receiver.port}/fast", "--database", database],
            check=True, capture_output=True, cwd=workdir).stdout)
        keys = {"dev-id": created["dev_id"], "x-api-key": created["api_key"]}
        unlimited = ["--hourly-request-days", "1000000000"]
        servers = [service.Server(binary, database, workdir, unlimited).start() for _ in range(2)]
        try:
            users = [service.new_user(servers[0], keys) for _ in range(20)]
            ride = subprocess.run([binary, "generate", "--seconds", "3600", "--activities", "1", "--seed", "21"],
                                  check=True, capture_output=True).stdout
            two = subprocess.run([binary, "generate", "--seconds", "1800", "--activities", "2", "--seed", "22"],
                                 check=True, capture_output=True).stdout
            reader = users[0]
            assert servers[0].request("POST", f"/v2/ingest?user_id={reader}", body=two, headers=keys)[0] == 200
            month = "start_date=2024-05-01&end_date=2024-05-31&to_webhook=false"
            counter = iter(range(10**9))
            routes = [
                Route("ingest (1-hour ride, samples)", 1, lambda s: s.request(
                    "POST", f"/v2/ingest?user_id={users[1 + next(counter) % 19]}", body=ride, headers=keys)[0]),
                Route("history, no samples", 20, lambda s: s.request(
                    "GET", f"/v2/activity?user_id={reader}&{month}", headers=keys)[0]),
                Route("history with samples (2 rides)", 1, lambda s: s.request(
                    "GET", f"/v2/activity?user_id={reader}&{month}&with_samples=true", headers=keys)[0]),
                Route("userInfo", 20, lambda s: s.request(
                    "GET", f"/v2/userInfo?user_id={users[next(counter) % 20]}", headers=keys)[0]),
            ]
            started = time.monotonic()
            until = started + seconds
            threads = [threading.Thread(target=r.run, args=(servers, until)) for r in routes]
            for t in threads:
                t.start()
            samples = []  # (seconds, [(rss, fds) per server])
            while time.monotonic() < until:
                samples.append((time.monotonic() - started, [process_facts(s.process.pid) for s in servers]))
                time.sleep(min(10, max(0, until - time.monotonic())))
            for t in threads:
                t.join()
            samples.append((time.monotonic() - started, [process_facts(s.process.pid) for s in servers]))
            # Let the workers announce what was stored last.
            ingested = len(routes[0].latencies) - routes[0].errors + 2
            deadline = time.monotonic() + 60
            while receiver.count("/fast") < ingested + 20 and time.monotonic() < deadline:
                time.sleep(0.5)
            alive = all(s.alive() for s in servers)
        finally:
            for s in servers:
                s.kill()
    delivered = len({a[2] for a in receiver.arrivals if a[1] == "/fast"})
    return report(routes, samples, seconds, delivered, ingested + 20, alive)


def report(routes, samples, seconds, delivered, expected, alive):
    failures = []
    print(f"soak: {seconds} s, two servers, one database")
    print(f"{'route':32} {'requests':>9} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for r in routes:
        lat = sorted(r.latencies)
        p = lambda q: lat[min(len(lat) - 1, int(len(lat) * q))] * 1000
        print(f"{r.name:32} {len(lat):>9} {len(lat) / seconds:>7.1f} {p(0.5):>8.1f} {p(0.99):>8.1f} "
              f"{lat[-1] * 1000:>8.1f} {r.errors:>7}")
        if r.errors:
            failures.append(f"{r.name}: {r.errors} errors, e.g. {r.notes[:3]}")
        if len(lat) < 0.95 * r.rate * seconds:
            failures.append(f"{r.name}: {len(lat)} requests, under 95 % of {r.rate}/s")
    print(f"{'webhooks delivered':32} {delivered:>9} distinct webhook-ids (expected at least {expected})")
    if delivered < expected:
        failures.append(f"webhooks: {delivered} of {expected} delivered")
    print(f"\n{'t (s)':>6} {'A RSS MB':>9} {'A fds':>6} {'B RSS MB':>9} {'B fds':>6}")
    for t, facts in samples:
        print(f"{t:>6.0f} {facts[0][0]:>9.1f} {facts[0][1]:>6} {facts[1][0]:>9.1f} {facts[1][1]:>6}")
    settled = [f for t, f in samples if t >= 60] or [f for _, f in samples]
    third = max(1, len(settled) // 3)
    for i, name in enumerate("AB"):
        first = statistics.median(f[i][0] for f in settled[:third])
        last = max(f[i][0] for f in settled[-third:])
        fds_first = statistics.median(f[i][1] for f in settled[:third])
        fds_last = max(f[i][1] for f in settled[-third:])
        print(f"server {name}: RSS {first:.1f} -> {last:.1f} MB ({(last / first - 1) * 100:+.1f} %), "
              f"descriptors {fds_first} -> {fds_last}")
        if last > first * 1.10:
            failures.append(f"server {name}: RSS grew {first:.1f} -> {last:.1f} MB")
        if fds_last > fds_first + 16:
            failures.append(f"server {name}: descriptors grew {fds_first} -> {fds_last}")
    if not alive:
        failures.append("a server stopped answering")
    for failure in failures:
        print("FAIL " + failure)
    return not failures
