#!/usr/bin/env python3
"""Webhook delivery throughput: many users' small messages to a fast receiver on loopback, each
user's messages in order, and whether one developer's slow endpoint (2 s an answer) holds back
another developer's messages.

    scripts/bench-delivery.py --slipstream .build/release/slipstream [--postgres URL] [--users 2000]

The outbox is filled first by a server that sends nothing (`serve --no-deliveries`): an auth event
per user, and for a quarter of them an activity after it. Then a server that delivers starts, and the
receiver times what arrives. Two runs: the fast developer alone, then with a second developer whose
endpoint takes 2 s per message.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

service = import_module("check-service")


class Receiver:
    """Two HTTP/1.1 endpoints on loopback, as two developers' hosts would be: /fast on `port` answers
    at once, /slow on `slow_port` after 2 s; records arrivals."""

    def __init__(self):
        self.port = service.free_port()
        self.slow_port = service.free_port()
        self.arrivals = []  # (time, path, webhook-id, user id)
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self._run, daemon=True).start()
        time.sleep(0.3)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.port))
        self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", self.slow_port))
        self.loop.run_forever()

    async def _serve(self, reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                if path == "/slow":
                    await asyncio.sleep(2)
                user = (json.loads(body).get("user") or {}).get("user_id")
                with self.lock:
                    self.arrivals.append((time.monotonic(), path, headers.get("webhook-id"), user))
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def count(self, path):
        with self.lock:
            return sum(1 for a in self.arrivals if a[1] == path)


def fill(binary, database, workdir, receiver, users, slow_users):
    """Developers, users and their messages, with no worker running."""
    fast = make_developer(binary, database, workdir, f"http://127.0.0.1:{receiver.port}/fast")
    slow = make_developer(binary, database, workdir, f"http://127.0.0.1:{receiver.slow_port}/slow")
    ride = subprocess.run([binary, "generate", "--seconds", "60", "--activities", "1", "--seed", "2"],
                          check=True, capture_output=True).stdout
    server = service.Server(binary, database, workdir, extra=["--no-deliveries"]).start()
    expected = 0
    # The slow developer's users come in among the fast one's, so that their messages are due together.
    every = users // slow_users if slow_users else users + 1
    try:
        for n in range(users):
            if n % every == 0 and n // every < slow_users:
                server.request("POST", "/v2/auth/authenticateUser?resource=XOSS", headers=slow)
            status, body = server.request("POST", "/v2/auth/authenticateUser?resource=XOSS", headers=fast)
            expected += 1
            if n % 4 == 0:
                user = json.loads(body)["user_id"]
                status, _ = server.request("POST", f"/v2/ingest?user_id={user}", body=ride, headers=fast)
                assert status == 200
                expected += 1
    finally:
        server.kill()
    return expected


def make_developer(binary, database, workdir, webhook):
    out = subprocess.run([binary, "developers", "create", "--name", "Bench", "--webhook-url", webhook,
                          "--database", database], check=True, capture_output=True, cwd=workdir).stdout
    created = json.loads(out)
    return {"dev-id": created["dev_id"], "x-api-key": created["api_key"]}


def run(binary, database_for, users, slow_users):
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as workdir:
        database = database_for(workdir)
        expected = fill(binary, database, workdir, receiver, users, slow_users)
        started = time.monotonic()
        server = service.Server(binary, database, workdir).start()
        try:
            deadline = time.monotonic() + 300
            while receiver.count("/fast") < expected and time.monotonic() < deadline:
                time.sleep(0.05)
            if os.environ.get("BENCH_DB_TIMES"):
                _, metrics = server.request("GET", "/metrics")
                sums, counts = {}, {}
                for line in metrics.decode().splitlines():
                    if line.startswith("slipstream_database_duration_seconds_sum"):
                        sums[line.split('"')[1]] = float(line.split()[-1])
                    if line.startswith("slipstream_database_duration_seconds_count"):
                        counts[line.split('"')[1]] = float(line.split()[-1])
                for op in sorted(sums):
                    print(f"  {op:28} {counts[op]:>7.0f} calls {sums[op] / max(1, counts[op]) * 1000:>8.2f} ms mean",
                          file=sys.stderr)
        finally:
            server.kill()
        fast = [a for a in receiver.arrivals if a[1] == "/fast"]
        first, last = fast[0][0], fast[-1][0]
        # Each user's messages in the order they were stored (msg_N grows with the outbox row).
        per_user = {}
        for _, _, webhook_id, user in fast:
            per_user.setdefault(user, []).append(int(webhook_id[4:]))
        in_order = all(ids == sorted(ids) for ids in per_user.values())
        distinct = len({a[2] for a in fast})
        return {
            "messages": len(fast), "expected": expected, "distinct": distinct, "seconds": last - first,
            "per_second": (len(fast) - 1) / (last - first) if last > first else float("inf"),
            "from_start": last - started, "in_order": in_order, "slow_done": receiver.count("/slow"),
        }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--postgres", help="a PostgreSQL server URL; each run makes a database of its own")
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--slow-users", type=int, default=50)
    args = parser.parse_args()
    binary = os.path.abspath(args.slipstream)

    def database_for(workdir):
        if not args.postgres:
            return "sqlite:" + os.path.join(workdir, "bench.sqlite")
        name = "bench_" + os.path.basename(workdir).replace("-", "_").lower()
        subprocess.run(["psql", args.postgres, "-qc", f"CREATE DATABASE {name}"], check=True)
        return args.postgres.rsplit("/", 1)[0] + "/" + name

    print(f"{'run':34} {'messages':>9} {'seconds':>8} {'msg/s':>7} {'in order':>9} {'slow sent':>10}")
    for label, slow in (("fast developer alone", 0), (f"with a slow one ({args.slow_users} users, 2 s)", args.slow_users)):
        r = run(binary, database_for, args.users, slow)
        print(f"{label:34} {r['messages']:>5}/{r['expected']:<4}{r['seconds']:>8.2f} {r['per_second']:>7.0f} "
              f"{str(r['in_order']):>9} {r['slow_done']:>10}")
        if r["messages"] != r["expected"] or r["distinct"] != r["expected"] or not r["in_order"]:
            print("FAIL: messages lost, repeated or out of order", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
