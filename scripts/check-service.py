#!/usr/bin/env python3
"""What `slipstream serve` promises when things go wrong, tried on a real server over loopback:

  crash     kill -9 while 20 uploads are in flight, restart: every upload answered 200 is there and
            complete, none is half there, and the database passes its integrity check;
  hostile   truncated bodies, a chunked body cut mid-chunk, huge headers, a slow client, a body that
            is an image, wrong methods: each gets a 4xx (or the connection closed) and the server
            goes on serving;
  drain     SIGTERM while an upload is in flight: it is answered 200, then the process exits 0;
  scaleout  (with --postgres) two servers on one database: what one stored, the other serves;
  openapi   (with --schemathesis) schemathesis against /openapi.yaml of a live server, every
            operation, a bounded number of examples (scripts/schemathesis.toml).

    scripts/check-service.py --slipstream .build/debug/slipstream [--postgres URL] [checks...]
"""

import argparse
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        FAILURES.append(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, database, workdir, extra=()):
        self.binary, self.database, self.workdir, self.extra = binary, database, workdir, list(extra)
        self.port = free_port()
        self.process = None

    def start(self):
        log = open(os.path.join(self.workdir, f"serve-{self.port}.log"), "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--port", str(self.port), "--database", self.database] + self.extra,
            stdout=log, stderr=log, cwd=self.workdir)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the server on port {self.port} did not start")

    def request(self, method, path, body=None, headers=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def alive(self):
        try:
            return self.request("GET", "/healthz", timeout=5)[0] == 200
        except OSError:
            return False

    def kill(self):
        self.process.kill()
        self.process.wait()


def developer(binary, database, workdir):
    out = subprocess.run([binary, "developers", "create", "--name", "Checks", "--database", database],
                         check=True, capture_output=True, cwd=workdir).stdout
    created = json.loads(out)
    return {"dev-id": created["dev_id"], "x-api-key": created["api_key"]}


def new_user(server, keys):
    status, body = server.request("POST", "/v2/auth/authenticateUser?resource=XOSS", headers=keys)
    assert status == 200, body
    return json.loads(body)["user_id"]


def generated(binary, seed, seconds=600):
    return subprocess.run([binary, "generate", "--seconds", str(seconds), "--seed", str(seed)],
                          check=True, capture_output=True).stdout


def activities(server, keys, user, samples=True):
    status, body = server.request(
        "GET", f"/v2/activity?user_id={user}&start_date=2024-01-01&to_webhook=false&with_samples={str(samples).lower()}",
        headers=keys)
    assert status == 200, body
    return json.loads(body)["data"]


def sample_count(activity):
    return len(activity["heart_rate_data"]["detailed"]["hr_samples"])


def check_crash(args, workdir):
    database = "sqlite:" + os.path.join(workdir, "crash.sqlite")
    keys = developer(args.slipstream, database, workdir)
    server = Server(args.slipstream, database, workdir).start()
    user = new_user(server, keys)
    payloads = {seed: generated(args.slipstream, seed) for seed in range(100, 120)}
    answered = {}

    def upload(seed, body):
        # Sent slowly, in pieces, so that the kill finds many in flight.
        try:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            connection.putrequest("POST", f"/v2/ingest?user_id={user}")
            for name, value in keys.items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders()
            step = len(body) // 8 + 1
            for start in range(0, len(body), step):
                connection.send(body[start:start + step])
                time.sleep(0.02 * (seed % 7))
            response = connection.getresponse()
            answered[seed] = response.status
        except OSError:
            pass

    threads = [threading.Thread(target=upload, args=(seed, body)) for seed, body in payloads.items()]
    for thread in threads:
        thread.start()
    time.sleep(0.35)
    server.kill()
    for thread in threads:
        thread.join()
    ok = sorted(seed for seed, status in answered.items() if status == 200)
    check(0 < len(ok) < 20, f"crash: the kill came with uploads in flight ({len(ok)} of 20 answered 200 before it)")
    server = Server(args.slipstream, database, workdir).start()
    stored = {a["metadata"]["summary_id"]: sample_count(a) for a in activities(server, keys, user)}
    check(all(f"xoss-{seed}-0" in stored for seed in ok), "crash: every upload answered 200 is stored after the restart")
    check(all(count == 600 for count in stored.values()), f"crash: every stored activity is whole ({len(stored)} stored, 600 samples each)")
    server.kill()
    integrity = sqlite3.connect(database[len("sqlite:"):]).execute("PRAGMA integrity_check").fetchall()
    check(integrity == [("ok",)], f"crash: the database passes its integrity check ({integrity})")


def raw(server, data, read=True, timeout=10):
    """Sends raw bytes, half-closes, and returns what came back (b'' when the server just closed)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        received = b""
        try:
            while read:
                chunk = s.recv(65536)
                if not chunk:
                    break
                received += chunk
        except (ConnectionResetError, socket.timeout):
            pass
        return received


def status_of(response):
    try:
        return int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def check_hostile(args, workdir):
    database = "sqlite:" + os.path.join(workdir, "hostile.sqlite")
    keys = developer(args.slipstream, database, workdir)
    server = Server(args.slipstream, database, workdir, ["--idle-timeout", "2", "--max-body-bytes", "2000000"]).start()
    user = new_user(server, keys)
    head = f"POST /v2/ingest?user_id={user} HTTP/1.1\r\nHost: x\r\ndev-id: {keys['dev-id']}\r\nx-api-key: {keys['x-api-key']}\r\n"
    body = generated(args.slipstream, 7, seconds=120)

    response = raw(server, (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body[: len(body) // 2])
    check(status_of(response) in (None, 400), f"hostile: a body shorter than its Content-Length: {status_of(response)}")
    check(server.alive(), "hostile: ... and the server goes on serving")

    cut = (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + b"%x\r\n" % 5000 + body[:1000]
    response = raw(server, cut)
    check(status_of(response) in (None, 400), f"hostile: a chunked body that ends mid-chunk: {status_of(response)}")
    check(server.alive(), "hostile: ... and the server goes on serving")

    chunked = (head + "Transfer-Encoding: chunked\r\n\r\n").encode()
    for start in range(0, len(body), 777):
        piece = body[start:start + 777]
        chunked += b"%x\r\n" % len(piece) + piece + b"\r\n"
    response = raw(server, chunked + b"0\r\n\r\n")
    check(status_of(response) == 200, f"hostile: the same body whole, in 777-byte chunks: {status_of(response)}")

    huge = f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 200_000}\r\n\r\n".encode()
    response = raw(server, huge)
    check(status_of(response) in (None, 400, 431), f"hostile: a 200 KB header: {status_of(response)}")
    check(server.alive(), "hostile: ... and the server goes on serving")

    started = time.time()
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        try:
            closed = s.recv(100) == b""
        except ConnectionResetError:
            closed = True
    waited = time.time() - started
    check(closed and waited < 10, f"hostile: a client that stops mid-request is closed by the idle timeout ({waited:.1f} s)")
    check(server.alive(), "hostile: ... and the server goes on serving")

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    status, text = server.request("POST", f"/v2/ingest?user_id={user}", body=png, headers={**keys, "Content-Type": "image/png"})
    check(status == 400 and b"PNG" in text, f"hostile: an image as the body: {status} {text[:120]!r}")
    status, text = server.request("POST", f"/v2/ingest?user_id={user}", body=b"x" * 2_100_000, headers=keys)
    check(status == 413, f"hostile: a body over --max-body-bytes: {status}")
    check(server.alive(), "hostile: ... and the server goes on serving")

    status, _ = server.request("DELETE", "/v2/activity", headers=keys)
    check(400 <= status < 500, f"hostile: a wrong method: {status}")
    stored = activities(server, keys, user, samples=False)
    check([a["metadata"]["summary_id"] for a in stored] == ["xoss-7-0"], "hostile: only the whole upload was stored")
    server.kill()


def check_drain(args, workdir):
    database = "sqlite:" + os.path.join(workdir, "drain.sqlite")
    keys = developer(args.slipstream, database, workdir)
    server = Server(args.slipstream, database, workdir).start()
    user = new_user(server, keys)
    body = generated(args.slipstream, 9, seconds=300)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", f"/v2/ingest?user_id={user}")
    for name, value in keys.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(len(body)))
    connection.endheaders()
    connection.send(body[: len(body) // 2])
    time.sleep(0.3)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    connection.send(body[len(body) // 2:])
    status = connection.getresponse().status
    code = server.process.wait(timeout=30)
    check(status == 200, f"drain: the upload in flight at SIGTERM is answered: {status}")
    check(code == 0, f"drain: then the server exits 0: {code}")


def check_scaleout(args, workdir):
    if not args.postgres:
        print("skip scaleout: no --postgres")
        return
    keys = developer(args.slipstream, args.postgres, workdir)
    first = Server(args.slipstream, args.postgres, workdir).start()
    second = Server(args.slipstream, args.postgres, workdir).start()
    user = new_user(first, keys)
    body = generated(args.slipstream, 11, seconds=300)
    status, _ = first.request("POST", f"/v2/ingest?user_id={user}", body=body, headers=keys)
    check(status == 200, "scaleout: ingested through the first server")
    through_second = activities(second, keys, user)
    through_first = activities(first, keys, user)
    check(len(through_second) == 1 and through_second == through_first,
          "scaleout: the second server serves it, samples included, as the first does")
    status, _ = second.request("DELETE", f"/v2/auth/deauthenticateUser?user_id={user}", headers=keys)
    check(status == 200 and first.request("GET", f"/v2/userInfo?user_id={user}", headers=keys)[0] == 404,
          "scaleout: a user deleted through one is gone from the other")
    first.kill()
    second.kill()


def check_openapi(args, workdir):
    if not args.schemathesis:
        print("skip openapi: no --schemathesis")
        return
    database = "sqlite:" + os.path.join(workdir, "openapi.sqlite")
    keys = developer(args.slipstream, database, workdir)
    server = Server(args.slipstream, database, workdir).start()
    user = new_user(server, keys)
    environment = {**os.environ, "SLIPSTREAM_DEV_ID": keys["dev-id"], "SLIPSTREAM_USER_ID": user}
    config = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemathesis.toml")
    run = subprocess.run(
        [args.schemathesis, "--config-file", config, "run", f"http://127.0.0.1:{server.port}/openapi.yaml",
         "-H", f"dev-id: {keys['dev-id']}", "-H", f"x-api-key: {keys['x-api-key']}",
         "--phases", "examples,coverage,fuzzing", "--no-color"],
        env=environment, capture_output=True, text=True, timeout=600)
    summary = [line for line in run.stdout.splitlines() if "generated" in line]
    check(run.returncode == 0, f"openapi: schemathesis passes ({summary[-1].strip() if summary else 'no summary'})")
    if run.returncode != 0:
        print(run.stdout[-6000:])
    check(server.alive(), "openapi: ... and the server goes on serving")
    server.kill()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--postgres")
    parser.add_argument("--schemathesis", help="the st command")
    parser.add_argument("checks", nargs="*", default=["crash", "hostile", "drain", "scaleout", "openapi"])
    args = parser.parse_args()
    args.slipstream = os.path.abspath(args.slipstream)
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.checks:
            globals()["check_" + name](args, workdir)
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
