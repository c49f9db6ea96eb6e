#!/usr/bin/env python3
"""The service's numbers, with wrk on loopback (docs/BENCHMARKS.md, "Service"):

  ingest    MB/s of one-hour rides POSTed by 4 concurrent connections, beside `slipstream summarize`
            of the same file in the same run (goal: at least 0.6x);
  history   GET /v2/activity of a 30-day range holding 10 activities, no samples, 16 connections:
            requests/s and p99 (goal: 1,000 requests/s, p99 under 50 ms, on 2 cores);
  samples   a with_samples response of about 200 MB streamed to curl: MB/s, and the server's peak
            RSS while it streams (goal: under 100 MB);
  storage   stored bytes (summaries and sample columns) per ingested JSON byte (aim: a tenth at most);
  delivery  webhook messages/s and MB/s to a receiver on loopback that reads and discards: 40 one-hour
            rides of 10 users (and their 10 auth events) queued first, then the endpoint set;
  soak      (alone) a mixed load at fixed rates on two servers over one database, RSS and descriptors
            every 10 s, which must stay flat, and no errors (scripts/soak_service.py).

    scripts/bench-service.py --slipstream .build/release/slipstream [--seconds 10] [--database URL]
    scripts/bench-service.py --slipstream .build/release/slipstream --seconds 600 --database postgres://… soak
"""

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys_path = os.path.dirname(os.path.abspath(__file__))
import importlib.util

spec = importlib.util.spec_from_file_location("check_service", os.path.join(sys_path, "check-service.py"))
check_service = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_service)
Server, developer, new_user, generated = check_service.Server, check_service.developer, check_service.new_user, check_service.generated

POST_LUA = """
wrk.method = "POST"
wrk.headers["dev-id"] = os.getenv("DEV_ID")
wrk.headers["x-api-key"] = os.getenv("API_KEY")
local file = io.open(os.getenv("BODY"), "rb")
wrk.body = file:read("*a")
file:close()
"""

GET_LUA = """
wrk.headers["dev-id"] = os.getenv("DEV_ID")
wrk.headers["x-api-key"] = os.getenv("API_KEY")
"""


def wrk(url, script, workdir, keys, connections, seconds, body=None):
    path = os.path.join(workdir, "script.lua")
    with open(path, "w") as f:
        f.write(script)
    env = {**os.environ, "DEV_ID": keys["dev-id"], "API_KEY": keys["x-api-key"], "BODY": body or ""}
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", path, url],
                         env=env, capture_output=True, text=True, check=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)] if p99 else None
    return requests, p99_ms, int(non2xx.group(1)) if non2xx else 0, out


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database", help="default: SQLite in a temporary directory")
    parser.add_argument("stages", nargs="*", default=["ingest", "history", "storage", "delivery", "samples"])
    args = parser.parse_args()
    binary = os.path.abspath(args.slipstream)
    if args.stages == ["soak"]:
        sys.path.insert(0, sys_path)
        import soak_service
        database = args.database or "sqlite:" + os.path.join(tempfile.mkdtemp(), "soak.sqlite")
        sys.exit(0 if soak_service.soak(binary, database, args.seconds) else 1)
    unlimited = ["--hourly-request-days", "1000000000", "--max-body-bytes", str(1 << 30)]
    with tempfile.TemporaryDirectory() as workdir:
        database = args.database or "sqlite:" + os.path.join(workdir, "bench.sqlite")
        keys = developer(binary, database, workdir)
        server = Server(binary, database, workdir, unlimited).start()
        user = new_user(server, keys)
        base = f"http://127.0.0.1:{server.port}"

        # ingest (its ride is also part of the storage figure)
        ride = os.path.join(workdir, "ride.json")
        with open(ride, "wb") as f:
            f.write(generated(binary, 21, seconds=3600))
        size = os.path.getsize(ride)
        # A stage not asked for runs one second, for what the later stages need.
        seconds = lambda stage: args.seconds if stage in args.stages else 1
        rps, _, bad, _ = wrk(f"{base}/v2/ingest?user_id={user}", POST_LUA, workdir, keys, 4, seconds("ingest"), ride)
        if "ingest" in args.stages:
            # summarize reads 40 copies in one process, so that its start-up is not what is measured.
            started = time.perf_counter()
            subprocess.run([binary, "summarize"] + [ride] * 40, stdout=subprocess.DEVNULL, check=True)
            summarize_mbs = size * 40 / (time.perf_counter() - started) / 1e6
            ingest_mbs = rps * size / 1e6
            print(f"ingest: {size / 1e6:.2f} MB one-hour ride, 4 connections: {rps:.1f} requests/s = {ingest_mbs:.1f} MB/s "
                  f"({bad} non-2xx); summarize of the same file (40 times, one process): {summarize_mbs:.1f} MB/s; ratio {ingest_mbs / summarize_mbs:.2f}x")

        # history: ten rides in May 2024, no samples
        history_user = new_user(server, keys)
        ten = generated_many(binary, 10, 600)
        status, _ = server.request("POST", f"/v2/ingest?user_id={history_user}", body=ten, headers=keys)
        assert status == 200
        url = f"{base}/v2/activity?user_id={history_user}&start_date=2024-05-01&end_date=2024-05-31&to_webhook=false"
        body = json.loads(server.request("GET", url[len(base):], headers=keys)[1])
        assert len(body["data"]) == 10, len(body["data"])
        rps, p99, bad, _ = wrk(url, GET_LUA, workdir, keys, 16, seconds("history"))
        if "history" in args.stages:
            print(f"history: 30 days, 10 activities without samples, 16 connections: {rps:.0f} requests/s, p99 {p99:.1f} ms ({bad} non-2xx)")

        # storage
        if "storage" in args.stages and database.startswith("sqlite:"):
            db = sqlite3.connect(database[len("sqlite:"):])
            summaries = db.execute("SELECT coalesce(sum(length(summary)), 0), count(*) FROM activities").fetchone()
            samples = db.execute("SELECT coalesce(sum(length(data)), 0) FROM activity_samples").fetchone()[0]
            stored_json = size + len(ten)
            print(f"storage: {summaries[1]} activities from {stored_json / 1e6:.2f} MB of JSON: summaries {summaries[0] / 1e3:.0f} kB, "
                  f"samples {samples / 1e3:.0f} kB; {(summaries[0] + samples) / stored_json:.3f} stored bytes per JSON byte")
            db.close()

        if "delivery" in args.stages:
            delivery(binary, server, workdir, database)
        if "samples" not in args.stages:
            server.kill()
            return
        # samples: about 200 MB of response, server restarted so that its peak is the response's
        big_user = new_user(server, keys)
        big = os.path.join(workdir, "big.json")
        with open(big, "wb") as f:
            f.write(subprocess.run([binary, "generate", "--seconds", "39600", "--activities", "7", "--seed", "5"],
                                   check=True, capture_output=True).stdout)
        status, _ = server.request("POST", f"/v2/ingest?user_id={big_user}", body=open(big, "rb").read(), headers=keys, timeout=300)
        assert status == 200
        server.kill()
        server = Server(binary, database, workdir, unlimited).start()
        before = peak_rss_mb(server.process.pid)
        out = os.path.join(workdir, "response.json")
        started = time.perf_counter()
        subprocess.run(["curl", "-sf", "-o", out, "-H", f"dev-id: {keys['dev-id']}", "-H", f"x-api-key: {keys['x-api-key']}",
                        f"http://127.0.0.1:{server.port}/v2/activity?user_id={big_user}&start_date=2024-05-01&end_date=2024-06-01"
                        "&to_webhook=false&with_samples=true"], check=True)
        elapsed = time.perf_counter() - started
        length = os.path.getsize(out)
        print(f"samples: {length / 1e6:.0f} MB with_samples response (from a {os.path.getsize(big) / 1e6:.0f} MB payload) in "
              f"{elapsed:.2f} s = {length / elapsed / 1e6:.0f} MB/s; server peak RSS {peak_rss_mb(server.process.pid):.0f} MB "
              f"(after start {before:.0f} MB)")
        server.kill()


def delivery(binary, server, workdir, database):
    import http.server
    import threading
    received = {"count": 0, "bytes": 0}
    lock = threading.Lock()

    class Discard(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            length = int(self.headers["Content-Length"])
            while length > 0:
                length -= len(self.rfile.read(min(length, 1 << 20)))
            with lock:
                received["count"] += 1
                received["bytes"] += int(self.headers["Content-Length"])
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Discard)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    keys, _ = check_service.developer_with_secret(binary, database, workdir)
    for index in range(10):
        user = new_user(server, keys)
        rides = subprocess.run([binary, "generate", "--seconds", "3600", "--activities", "4", "--seed", str(70 + index)],
                               check=True, capture_output=True).stdout
        assert server.request("POST", f"/v2/ingest?user_id={user}", body=rides, headers=keys, timeout=120)[0] == 200
    started = time.perf_counter()
    subprocess.run([binary, "developers", "set-webhook", keys["dev-id"], f"http://127.0.0.1:{receiver.server_address[1]}/hook",
                    "--database", database], check=True)
    while received["count"] < 50 and time.perf_counter() - started < 300:
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    print(f"delivery: {received['count']} messages ({received['bytes'] / 1e6:.1f} MB: 40 one-hour rides with samples, 10 auth events) "
          f"in {elapsed:.2f} s = {received['count'] / elapsed:.1f} messages/s, {received['bytes'] / elapsed / 1e6:.1f} MB/s")
    receiver.shutdown()


def generated_many(binary, activities, seconds):
    return subprocess.run([binary, "generate", "--seconds", str(seconds), "--activities", str(activities), "--seed", "8"],
                          check=True, capture_output=True).stdout


if __name__ == "__main__":
    main()
