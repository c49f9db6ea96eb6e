#!/usr/bin/env python3
"""What `slipstream serve` promises when things go wrong, tried on a real server over loopback:

  crash     kill -9 while 20 uploads are in flight, restart: every upload answered 200 is there and
            complete, none is half there, and the database passes its integrity check;
  hostile   truncated bodies, a chunked body cut mid-chunk, huge headers, a slow client, a body that
            is an image, wrong methods: each gets a 4xx (or the connection closed) and the server
            goes on serving;
  drain     SIGTERM while an upload is in flight: it is answered 200, then the process exits 0;
  scaleout  (with --postgres) two servers on one database: what one stored, the other serves;
  scopes    data scopes set with the CLI on SQLite (and PostgreSQL), obeyed by the history answer,
            then widened again: everything stored comes back;
  openapi   (with --schemathesis) schemathesis against /openapi.yaml of a live server, every
            operation, a bounded number of examples (scripts/schemathesis.toml);
  webhooks  deliveries to a receiver here, every signature checked by the `standardwebhooks`
            package and by Python's hmac; kill -9 with messages pending and in flight, restart: every
            message arrives (each webhook-id at least once); with --postgres, two servers' workers on
            one outbox never send the same message at the same time.

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


def developer_with_secret(binary, database, workdir):
    """A developer's keys and the webhook signing secret `developers create` shows once."""
    out = subprocess.run([binary, "developers", "create", "--name", "Hooks", "--database", database],
                         check=True, capture_output=True, cwd=workdir).stdout
    created = json.loads(out)
    return {"dev-id": created["dev_id"], "x-api-key": created["api_key"]}, created["webhook_signing_secret"]


def new_user(server, keys):
    status, body = server.request("POST", "/v2/auth/authenticateUser?resource=XOSS", headers=keys)
    assert status == 200, body
    return json.loads(body)["user_id"]


def open_upload(server, keys, user, length):
    """An ingest request whose head is sent: the body is the caller's to send, at its pace."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest("POST", f"/v2/ingest?user_id={user}")
    for name, value in keys.items():
        connection.putheader(name, value)
    connection.putheader("Content-Length", str(length))
    connection.endheaders()
    return connection


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
            connection = open_upload(server, keys, user, len(body))
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
    connection = open_upload(server, keys, user, len(body))
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


def check_scopes(args, workdir):
    """Data scopes on each database: set with the CLI, obeyed by a running server's history answer
    (samples asked for), then widened again: everything stored comes back."""
    databases = [("sqlite", "sqlite:" + os.path.join(workdir, "scopes.sqlite"))]
    if args.postgres:
        databases.append(("postgres", args.postgres))
    for name, database in databases:
        keys = developer(args.slipstream, database, workdir)
        server = Server(args.slipstream, database, workdir).start()
        user = new_user(server, keys)
        status, _ = server.request("POST", f"/v2/ingest?user_id={user}",
                                   body=generated(args.slipstream, 12, seconds=300), headers=keys)
        scopes = lambda *flags: subprocess.run(
            [args.slipstream, "developers", "set-scopes", keys["dev-id"], *flags, "--database", database],
            check=True, capture_output=True, cwd=workdir)
        scopes("--data", "heart_rate_data", "--samples", "none", "--no-slipstream")
        narrow = activities(server, keys, user)
        check(status == 200 and len(narrow) == 1 and set(narrow[0]) == {"metadata", "heart_rate_data"}
              and "detailed" not in narrow[0]["heart_rate_data"],
              f"scopes ({name}): the history answer holds metadata and heart_rate_data's summary only")
        scopes("--data", "all", "--samples", "all", "--slipstream")
        whole = activities(server, keys, user)
        check(sample_count(whole[0]) == 300 and "slipstream" in whole[0] and "power_data" in whole[0],
              f"scopes ({name}): widened again, everything stored comes back, samples and all")
        server.kill()


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


class Receiver:
    """A developer's endpoint: checks both signatures, records each message, notices a webhook-id
    arriving while another request with it is still being answered."""

    def __init__(self, secret, delay=0.05):
        import http.server
        import hashlib
        import hmac
        import standardwebhooks
        self.lock = threading.Lock()
        self.received = []          # (webhook-id, type, summary_id)
        self.in_flight = set()
        self.overlaps = []
        self.bad_signatures = []
        self.cut_short = 0
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died mid-request (the crash check kills it): no delivery
                    with receiver.lock:
                        receiver.cut_short += 1
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                message = headers.get("webhook-id")
                with receiver.lock:
                    if message in receiver.in_flight:
                        receiver.overlaps.append(message)
                    receiver.in_flight.add(message)
                try:
                    standardwebhooks.Webhook(secret).verify(body, headers)
                    t, v1 = (part.split("=", 1)[1] for part in headers["terra-signature"].split(","))
                    expected = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
                    if not hmac.compare_digest(expected, v1):
                        raise ValueError("terra-signature")
                except Exception as error:
                    with receiver.lock:
                        receiver.bad_signatures.append((message, str(error)))
                time.sleep(delay)
                event = json.loads(body)
                summary = (event.get("data") or [{}])[0].get("metadata", {}).get("summary_id")
                with receiver.lock:
                    receiver.received.append((message, event.get("type"), summary))
                    receiver.in_flight.discard(message)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self):
        with self.lock:
            return [r[0] for r in self.received]


def wait_until(condition, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def check_webhooks(args, workdir):
    try:
        import standardwebhooks  # noqa: F401
    except ImportError:
        print("skip webhooks: the standardwebhooks package is not installed")
        return
    # Crash: 5 users with 4 rides each (25 messages with their auth events), a slow receiver, kill -9
    # while they go out, restart.
    database = "sqlite:" + os.path.join(workdir, "webhooks.sqlite")
    fast = ["--delivery-timeout", "2", "--retry-schedule", "1s,1s,1s,1s,1s"]
    keys, secret = developer_with_secret(args.slipstream, database, workdir)
    receiver = Receiver(secret, delay=0.15)
    subprocess.run([args.slipstream, "developers", "set-webhook", keys["dev-id"], f"http://127.0.0.1:{receiver.port}/hook",
                    "--database", database], check=True)
    server = Server(args.slipstream, database, workdir, fast).start()
    users = [new_user(server, keys) for _ in range(5)]
    for index, user in enumerate(users):
        payload = subprocess.run([args.slipstream, "generate", "--seconds", "300", "--activities", "4", "--seed", str(40 + index)],
                                 check=True, capture_output=True).stdout
        assert server.request("POST", f"/v2/ingest?user_id={user}", body=payload, headers=keys)[0] == 200
    wait_until(lambda: len(receiver.ids()) >= 6, 30)
    server.kill()
    before = len(receiver.ids())
    server = Server(args.slipstream, database, workdir, fast).start()
    expected = 25
    arrived = wait_until(lambda: len(set(receiver.ids())) >= expected, 90)
    check(0 < before < expected, f"webhooks: the kill came while messages were going out ({before} of {expected} received)")
    check(arrived, f"webhooks: after the restart every message arrives ({len(set(receiver.ids()))} distinct webhook-ids of {expected})")
    kinds = [r[1] for r in receiver.received]
    check(kinds.count("auth") >= 5 and kinds.count("activity") >= 20, "webhooks: 5 auth events and 20 activities among them")
    # One kill cuts at most the requests in flight: one per user.
    check(not receiver.bad_signatures and receiver.cut_short <= len(users),
          f"webhooks: every whole request's signatures verify with standardwebhooks and hmac ({receiver.bad_signatures[:2]})")
    pending = subprocess.run([args.slipstream, "deliveries", "list", "--status", "pending", "--database", database],
                             capture_output=True, text=True, check=True).stdout.strip()
    check(pending == "" or wait_until(lambda: subprocess.run(
        [args.slipstream, "deliveries", "list", "--status", "pending", "--database", database],
        capture_output=True, text=True).stdout.strip() == "", 20), "webhooks: nothing left pending")
    print(f"     ({len(receiver.ids()) - len(set(receiver.ids()))} sent twice: at least once, as promised;"
          f" {receiver.cut_short} request(s) cut short by the kill, not counted)")
    server.kill()
    receiver.server.shutdown()

    if not args.postgres:
        print("skip webhooks on two servers: no --postgres")
        return
    keys, secret = developer_with_secret(args.slipstream, args.postgres, workdir)
    receiver = Receiver(secret, delay=0.1)
    subprocess.run([args.slipstream, "developers", "set-webhook", keys["dev-id"], f"http://127.0.0.1:{receiver.port}/hook",
                    "--database", args.postgres], check=True)
    first = Server(args.slipstream, args.postgres, workdir, fast).start()
    second = Server(args.slipstream, args.postgres, workdir, fast).start()
    users = [new_user(first, keys) for _ in range(8)]
    for index, user in enumerate(users):
        payload = subprocess.run([args.slipstream, "generate", "--seconds", "120", "--activities", "3", "--seed", str(60 + index)],
                                 check=True, capture_output=True).stdout
        server = first if index % 2 == 0 else second
        assert server.request("POST", f"/v2/ingest?user_id={user}", body=payload, headers=keys)[0] == 200
    arrived = wait_until(lambda: len(set(receiver.ids())) >= 32, 90)
    check(arrived, f"webhooks: two servers on one PostgreSQL deliver every message ({len(set(receiver.ids()))} of 32)")
    check(not receiver.overlaps, f"webhooks: ... never the same message twice at the same time ({receiver.overlaps[:3]})")
    check(len(receiver.ids()) == len(set(receiver.ids())) and receiver.cut_short == 0,
          f"webhooks: ... and, without a crash, each once and whole ({len(receiver.ids())} requests, {receiver.cut_short} cut short)")
    first.kill()
    second.kill()
    receiver.server.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--postgres")
    parser.add_argument("--schemathesis", help="the st command")
    parser.add_argument("checks", nargs="*",
                        default=["crash", "hostile", "drain", "scaleout", "scopes", "openapi", "webhooks"])
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
