#!/usr/bin/env python3
"""The web face's speed on SQLite: a 10-hour 1 Hz ride's page (server time from the serve log, and
its weight) and the users list of a developer with 10,000 users (3 rides each), first, middle and
last page and a search.

    scripts/bench-web.py --slipstream .build/release/slipstream [--runs 30]

Users and their rides are written straight into the database (the API would take minutes for
30,000 rides); the 10-hour ride goes through POST /v2/ingest like any other.
"""

import argparse
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

service = import_module("check-service")


def seed_users(path, developer, count, rides_each):
    """`count` users of `developer`, each with `rides_each` small rides, written in one transaction."""
    db = sqlite3.connect(path)
    now = int(time.time() * 1_000_000)
    summary = json.dumps({"metadata": {"name": "Seeded ride", "type": 1},
                          "distance_data": {"summary": {"distance_meters": 20000}},
                          "slipstream": {"elapsed_seconds": 3600}}).encode()
    users, rides = [], []
    for n in range(count):
        user = f"seed-{n:05d}"
        users.append((user, developer, "XOSS", f"ref-{n:05d}", now - (count - n) * 1_000_000))
        for r in range(rides_each):
            start = now - (r + 1) * 86_400_000_000
            rides.append((user, f"{user}-r{r}", start, start + 3_600_000_000, 0, summary))
    with db:
        db.executemany("INSERT INTO users (id, developer_id, provider, reference_id, created_at) VALUES (?,?,?,?,?)",
                       users)
        db.executemany("INSERT INTO activities (user_id, summary_id, start_time, end_time, utc_offset_seconds, summary)"
                       " VALUES (?,?,?,?,?,?)", rides)
    db.close()


def server_seconds(log, path, after):
    """The `seconds=` of the serve log's request lines for `path`, after line `after`."""
    found = []
    with open(log) as f:
        for line in f.readlines()[after:]:
            if f"path={path} " in line:
                match = re.search(r"seconds=([0-9.e-]+)", line)
                if match:
                    found.append(float(match.group(1)))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    binary = os.path.abspath(args.slipstream)
    with tempfile.TemporaryDirectory() as workdir:
        path = os.path.join(workdir, "bench.sqlite")
        database = "sqlite:" + path
        keys = service.developer(binary, database, workdir)
        seed_users(path, keys["dev-id"], 10_000, 3)
        server = service.Server(binary, database, workdir).start()
        log = os.path.join(workdir, f"serve-{server.port}.log")
        try:
            status, body = server.request("POST", "/v2/auth/authenticateUser?resource=XOSS",
                                          body=json.dumps({"reference_id": "zz-long-rider"}), headers=keys)
            user = json.loads(body)["user_id"]
            ride = subprocess.run([binary, "generate", "--seconds", "36000", "--activities", "1", "--seed", "4"],
                                  check=True, capture_output=True).stdout
            status, body = server.request("POST", f"/v2/ingest?user_id={user}", body=ride, headers=keys)
            summary_id = json.loads(body)["activities"][0]["summary_id"]
            form = urllib.parse.urlencode({"dev_id": keys["dev-id"], "api_key": keys["x-api-key"]})
            status, _, headers = request(server, "POST", "/dashboard/signin", form,
                                         {"Content-Type": "application/x-www-form-urlencoded"})
            cookie = headers["Set-Cookie"].split(";")[0]
            pages = [
                ("ride page, 10-hour 1 Hz ride", f"/dashboard/users/{user}/activities/{summary_id}"),
                ("users list, page 1 of 201", "/dashboard/users"),
                ("users list, page 100", "/dashboard/users?page=100"),
                ("users list, page 201 (last)", "/dashboard/users?page=201"),
                ("users list, search 'ref-09'", "/dashboard/users?q=ref-09"),
            ]
            print(f"machine: {os.cpu_count()} cores; runs per page: {args.runs} (after 3 warm-ups)")
            print(f"{'page':32} {'bytes':>9} {'server p50 ms':>14} {'p90 ms':>8} {'max ms':>8} {'client p50 ms':>14}")
            for name, url in pages:
                for _ in range(3):
                    request(server, "GET", url, None, {"Cookie": cookie})
                with open(log) as f:
                    start_line = len(f.readlines())
                client = []
                size = 0
                for _ in range(args.runs):
                    began = time.perf_counter()
                    status, body, _ = request(server, "GET", url, None, {"Cookie": cookie})
                    client.append(time.perf_counter() - began)
                    assert status == 200, (url, status)
                    size = len(body)
                time.sleep(0.2)
                seconds = sorted(server_seconds(log, urllib.parse.urlsplit(url).path, start_line))
                p50 = statistics.median(seconds) * 1000
                p90 = seconds[int(len(seconds) * 0.9) - 1] * 1000
                print(f"{name:32} {size:>9} {p50:>14.1f} {p90:>8.1f} {seconds[-1] * 1000:>8.1f} "
                      f"{statistics.median(client) * 1000:>14.1f}")
        finally:
            server.kill()


def request(server, method, path, body, headers):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


if __name__ == "__main__":
    main()
