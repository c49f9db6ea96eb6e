#!/usr/bin/env python3
"""The service under faults, over loopback only.

outage:   PostgreSQL stopped and started again under a steady ingest load: every answer is 200 or
          503 with Retry-After (never 500), /healthz stays 200 and says the database is down,
          /readyz is 503 until it is back, the server answers 200 again by itself within seconds,
          and every ingest answered 200 is stored.
fulldisk: SQLite on a 6 MiB tmpfs filled by ingests: the one that does not fit is 507 with
          nothing of it stored, and reads go on (200).
clients:  a head sent a byte at a time is 408 after --header-timeout; a body that brings less than
          1 KiB in 10 s is closed; connections past --max-connections are 503 at once; a head over
          --max-header-bytes is 431; and the server goes on serving through all of it.

Uses check-service.py's helpers. The outage needs SLIPSTREAM_TEST_PG_CONTROL (scripts/with-postgres.sh
sets it: `CONTROL stop|start`); the full disk needs to mount a tmpfs (root).
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

spec = importlib.util.spec_from_file_location("checks", os.path.join(os.path.dirname(__file__), "check-service.py"))
checks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checks)
check, Server, developer, new_user, generated = checks.check, checks.Server, checks.developer, checks.new_user, checks.generated


def ready(server):
    try:
        return server.request("GET", "/readyz", timeout=5)[0] == 200
    except OSError:
        return False


def check_outage(args, workdir):
    control = os.environ.get("SLIPSTREAM_TEST_PG_CONTROL")
    if not args.postgres or not control:
        print("skip outage: no throwaway PostgreSQL to stop (run under scripts/with-postgres.sh)")
        return
    keys = developer(args.slipstream, args.postgres, workdir)
    server = Server(args.slipstream, args.postgres, workdir, ["--no-deliveries", "--database-timeout", "2"]).start()
    user = new_user(server, keys)
    payloads = [generated(args.slipstream, 1000 + i, seconds=120) for i in range(400)]
    answers, stored, retry_after, unexpected = [], [], [], []
    stop = threading.Event()

    def load():
        for index, payload in enumerate(payloads):
            if stop.is_set():
                return
            connection = checks.http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            try:
                connection.request("POST", f"/v2/ingest?user_id={user}", body=payload, headers=keys)
                response = connection.getresponse()
                body = response.read()
                answers.append(response.status)
                if response.status == 200:
                    stored.append(f"xoss-{1000 + index}-0")
                elif response.status == 503:
                    retry_after.append(response.getheader("Retry-After"))
                else:
                    unexpected.append(body[:300])
            except OSError as error:
                answers.append(f"no answer: {error}")
            finally:
                connection.close()
            time.sleep(0.02)

    loader = threading.Thread(target=load)
    loader.start()
    time.sleep(1.5)
    subprocess.run(control.split() + ["stop"], check=True)
    time.sleep(5)
    health_down = server.request("GET", "/healthz", timeout=5)
    ready_down = server.request("GET", "/readyz", timeout=30)
    subprocess.run(control.split() + ["start"], check=True)
    back = time.time()
    recovered = checks.wait_until(lambda: ready(server), 30)
    recovery = time.time() - back
    time.sleep(2)
    stop.set()
    loader.join()
    statuses = {str(a) for a in answers}
    check(statuses <= {"200", "503"}, f"outage: every ingest is 200 or 503, never 500 ({sorted(statuses)} {unexpected[:2]})")
    if unexpected:
        with open(os.path.join(workdir, f"serve-{server.port}.log"), errors="replace") as log:
            print("".join(line for line in log if "error" in line)[-3000:])
    check("503" in statuses and "200" in statuses, f"outage: ... both seen ({answers.count(200)} 200, {answers.count(503)} 503)")
    check(retry_after and all(r == "2" for r in retry_after), f"outage: every 503 says Retry-After ({set(retry_after)})")
    check(health_down[0] == 200 and json.loads(health_down[1])["slipstream"]["database"] == "down",
          f"outage: /healthz stays 200 and says the database is down ({health_down})")
    check(ready_down[0] == 503, f"outage: /readyz is 503 while the database is away ({ready_down[0]})")
    check(recovered, f"outage: the server answers again by itself once the database is back ({recovery:.1f} s)")
    ids = {a["metadata"]["summary_id"] for a in checks.activities(server, keys, user, samples=False)}
    check(set(stored) <= ids, f"outage: every ingest answered 200 is stored ({len(set(stored) - ids)} missing of {len(stored)})")
    print(f"outage: {answers.count(200)} stored, {answers.count(503)} answered 503, ready again {recovery:.1f} s after the start")
    server.kill()


def check_fulldisk(args, workdir):
    mount = os.path.join(workdir, "small")
    os.makedirs(mount)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mount], capture_output=True).returncode != 0:
        print("skip fulldisk: cannot mount a tmpfs here (needs root)")
        return
    server = None
    try:
        database = "sqlite:" + os.path.join(mount, "db.sqlite")
        keys = developer(args.slipstream, database, workdir)
        server = Server(args.slipstream, database, workdir, ["--no-deliveries"]).start()
        user = new_user(server, keys)
        answers, stored = [], []
        for seed in range(2000, 2060):
            status, body = server.request("POST", f"/v2/ingest?user_id={user}", body=generated(args.slipstream, seed, seconds=1800),
                                          headers=keys)
            answers.append(status)
            if status == 200:
                stored.append(f"xoss-{seed}-0")
            else:
                refused = (status, json.loads(body))
                break
        check(answers[-1] == 507, f"fulldisk: the ingest that does not fit is 507 ({answers[-3:]})")
        check(answers[-1] != 507 or refused[1].get("title") == "insufficient storage",
              f"fulldisk: ... as problem+json ({refused[1] if answers[-1] != 200 else None})")
        ids = {a["metadata"]["summary_id"] for a in checks.activities(server, keys, user, samples=False)}
        check(ids == set(stored), f"fulldisk: reads go on and hold exactly what was answered 200 ({len(ids)} of {len(stored)})")
        check(server.request("GET", f"/v2/userInfo?user_id={user}", headers=keys)[0] == 200, "fulldisk: other reads go on")
        check(server.alive(), "fulldisk: the server keeps serving")
    finally:
        if server:
            server.kill()
        subprocess.run(["umount", mount], capture_output=True)


def trickle(server, head, piece, every, limit):
    """Sends `head`, then `piece` every `every` seconds until the server answers or closes: what it
    answered (b"" for a close) and after how long."""
    started = time.time()
    with checks.socket.create_connection(("127.0.0.1", server.port), timeout=limit) as s:
        s.sendall(head)
        while time.time() - started < limit:
            try:
                s.sendall(piece)
                s.settimeout(every)
                answer = s.recv(200)
                return answer, time.time() - started
            except checks.socket.timeout:
                continue
            except (BrokenPipeError, ConnectionResetError):
                return b"", time.time() - started
    return None, time.time() - started


def check_clients(args, workdir):
    database = "sqlite:" + os.path.join(workdir, "clients.sqlite")
    keys = developer(args.slipstream, database, workdir)
    server = Server(args.slipstream, database, workdir,
                    ["--no-deliveries", "--header-timeout", "2", "--max-connections", "8", "--max-header-bytes", "8192"]).start()
    user = new_user(server, keys)
    answer, waited = trickle(server, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", b"a", 0.5, 20)
    check(answer is not None and answer.startswith(b"HTTP/1.1 408") and waited < 5,
          f"clients: a head sent a byte at a time is 408 after --header-timeout ({waited:.1f} s, {answer[:30] if answer else answer})")
    head = (f"POST /v2/ingest?user_id={user} HTTP/1.1\r\nHost: x\r\ndev-id: {keys['dev-id']}\r\n"
            f"x-api-key: {keys['x-api-key']}\r\nContent-Length: 100000\r\n\r\n").encode()
    answer, waited = trickle(server, head, b" " * 10, 1, 40)
    check(answer == b"" and waited < 15, f"clients: a body of 10 bytes a second is closed ({waited:.1f} s, {answer!r})")
    check(server.alive(), "clients: ... and the server goes on serving")
    big = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"
    response = checks.raw(server, big)
    check(checks.status_of(response) == 431, f"clients: a head over --max-header-bytes is 431 ({response[:40]!r})")
    held = [checks.socket.create_connection(("127.0.0.1", server.port), timeout=5) for _ in range(12)]
    time.sleep(0.5)
    refused = 0
    for connection in held:
        connection.settimeout(0.5)
        try:
            refused += connection.recv(100).startswith(b"HTTP/1.1 503")
        except checks.socket.timeout:
            pass
    check(refused == 4, f"clients: 12 connections past --max-connections 8: 4 answered 503 at once ({refused})")
    for connection in held:
        connection.close()
    check(checks.wait_until(server.alive, 10), "clients: ... and once they close, the server serves again")
    server.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--postgres")
    parser.add_argument("checks", nargs="*", default=["outage", "fulldisk", "clients"])
    args = parser.parse_args()
    args.slipstream = os.path.abspath(args.slipstream)
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.checks:
            globals()["check_" + name](args, workdir)
    if checks.FAILURES:
        print(f"{len(checks.FAILURES)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
