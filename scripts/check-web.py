#!/usr/bin/env python3
"""The web face in a real browser: Debian's chromium driven by Playwright (nothing downloaded), against
a `slipstream serve` on loopback with two developers.

  sign in (a wrong key refused), the users list, a user's rides, a ride's page (its map path and
  charts, the points each draws counted), a ride named <script>…</script> shown as text, another
  developer's ride 404, the end user's connect page uploading two FIT files with progress and a
  damaged one shown with its byte (and the same without script), resend from deliveries, the pages'
  security headers and no CSP violation. Screenshots of each page go to --screenshots.

    scripts/check-web.py --slipstream .build/debug/slipstream --chromium /usr/bin/chromium \\
        --fit A.fit --fit B.fit --damaged C.fit [--screenshots DIR]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module

service = import_module("check-service")
check, Server = service.check, service.Server

HOSTILE = "<script>alert(1)</script>"


def make_developer(binary, database, workdir, name, webhook=None):
    command = [binary, "developers", "create", "--name", name, "--database", database]
    if webhook:
        command += ["--webhook-url", webhook]
    created = json.loads(subprocess.run(command, check=True, capture_output=True, cwd=workdir).stdout)
    return {"dev-id": created["dev_id"], "x-api-key": created["api_key"]}


def hostile_payload(binary, user):
    """A generated ride of 20 minutes whose name is a script tag."""
    out = subprocess.run([binary, "generate", "--seconds", "1200", "--activities", "1", "--seed", "5"],
                         check=True, capture_output=True).stdout
    payload = json.loads(out)
    payload["data"][0]["metadata"]["name"] = HOSTILE
    payload["user"]["user_id"] = user
    return json.dumps(payload).encode()


def points_in(d):
    """How many points an SVG path's `d` draws: one per coordinate pair after M or L."""
    return len(re.findall(r"-?\d+(?:\.\d+)?[ ,]-?\d+(?:\.\d+)?", d or ""))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slipstream", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--fit", action="append", required=True, help="a good FIT file (give two)")
    parser.add_argument("--damaged", required=True, help="a damaged FIT file")
    parser.add_argument("--screenshots", default=None)
    args = parser.parse_args()
    binary = os.path.abspath(args.slipstream)
    shots = args.screenshots or tempfile.mkdtemp(prefix="slipstream-shots-")
    os.makedirs(shots, exist_ok=True)

    with tempfile.TemporaryDirectory() as workdir:
        database = "sqlite:" + os.path.join(workdir, "web.sqlite")
        # Deliveries to a closed port fail at once; one retry a second, then failed.
        dead = f"http://127.0.0.1:{service.free_port()}/hook"
        ours = make_developer(binary, database, workdir, "Ride Lab", webhook=dead)
        theirs = make_developer(binary, database, workdir, "Other Co")
        server = Server(binary, database, workdir, extra=["--retry-schedule", "1s", "--delivery-timeout", "1"]).start()
        try:
            run(server, binary, ours, theirs, args, shots)
        finally:
            server.kill()
    print(f"screenshots in {shots}")
    if service.FAILURES:
        print(f"{len(service.FAILURES)} web check(s) failed", file=sys.stderr)
        sys.exit(1)


def run(server, binary, ours, theirs, args, shots):
    base = f"http://127.0.0.1:{server.port}"
    # Our users: three, one with two FIT rides and the hostile one; theirs: one ride.
    status, body = server.request("POST", "/v2/auth/authenticateUser?resource=XOSS",
                                  body=json.dumps({"reference_id": "rider-1"}), headers=ours)
    rider = json.loads(body)
    for path in args.fit:
        with open(path, "rb") as f:
            status, body = server.request("POST", f"/v2/ingest?user_id={rider['user_id']}", body=f.read(), headers=ours)
        check(status == 200, f"ingest of {os.path.basename(path)} for the dashboard: {status}")
    status, body = server.request("POST", f"/v2/ingest?user_id={rider['user_id']}",
                                  body=hostile_payload(binary, rider["user_id"]), headers=ours)
    check(status == 200, f"ingest of the ride named {HOSTILE}: {status} {body[:200]!r}")
    hostile_id = json.loads(body)["activities"][0]["summary_id"]
    for reference in ("rider-2", "coach-1"):
        server.request("POST", "/v2/auth/authenticateUser?resource=XOSS",
                       body=json.dumps({"reference_id": reference}), headers=ours)
    status, body = server.request("POST", "/v2/auth/authenticateUser?resource=XOSS", headers=theirs)
    other = json.loads(body)["user_id"]
    with open(args.fit[0], "rb") as f:
        status, body = server.request("POST", f"/v2/ingest?user_id={other}", body=f.read(), headers=theirs)
    other_ride = json.loads(body)["activities"][0]["summary_id"]

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        print(f"chromium {browser.version}, Playwright driving it")
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        violations, dialogs = [], []
        # Every page of the context, the connect pages included, is watched for CSP violations.
        context.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        # Sign in: a wrong key is refused, the right one lands on the users list.
        response = page.goto(base + "/dashboard")
        check(page.url.endswith("/dashboard/signin"), f"/dashboard without a session leads to sign-in: {page.url}")
        headers = response.all_headers()
        check("script-src 'self'" in headers.get("content-security-policy", "")
              and headers.get("x-frame-options") == "DENY" and "referrer-policy" in headers,
              f"security headers: {headers.get('content-security-policy')!r}")
        page.fill("input[name=dev_id]", ours["dev-id"])
        page.fill("input[name=api_key]", "not-the-key")
        page.click("button:has-text('Sign in')")
        expect(page.locator("p.error")).to_have_count(1)
        check("/dashboard/signin" in page.url, "a wrong key is refused")
        page.screenshot(path=os.path.join(shots, "signin.png"))
        page.fill("input[name=api_key]", ours["x-api-key"])
        page.click("button:has-text('Sign in')")
        page.wait_for_url("**/dashboard/users")
        check(page.url.endswith("/dashboard/users"), f"signed in, on the users list: {page.url}")
        cookie = [c for c in context.cookies() if c["name"] == "slipstream_session"]
        check(cookie and cookie[0]["httpOnly"] and cookie[0]["sameSite"] == "Strict",
              f"the session cookie is HttpOnly and SameSite=Strict: {cookie}")
        rows = page.locator("table.list tbody tr")
        check(rows.count() == 3, f"the users list shows our 3 users: {rows.count()}")
        page.screenshot(path=os.path.join(shots, "users.png"), full_page=True)
        page.fill("input[name=q]", "rider")
        page.click("button:has-text('Search')")
        page.wait_for_url("**/dashboard/users?q=rider")
        expect(page.locator("table.list tbody tr")).to_have_count(2)
        check(page.locator("table.list tbody tr").count() == 2, "searching 'rider' finds 2 users")

        # A user's rides, then a ride's page.
        page.click("text=rider-1")
        page.wait_for_url(f"**/dashboard/users/{rider['user_id']}")
        activities = page.locator("table.activities tbody tr")
        check(activities.count() == 3, f"rider-1 has 3 rides listed: {activities.count()}")
        page.screenshot(path=os.path.join(shots, "user.png"), full_page=True)
        ride_url = f"{base}/dashboard/users/{rider['user_id']}/activities/{hostile_id}"
        page.goto(ride_url)
        check(page.locator("h1").inner_text() == HOSTILE and not dialogs,
              f"a ride named {HOSTILE} shows as text and runs nothing: {page.locator('h1').inner_text()!r} {dialogs}")
        labels = page.locator("svg[role=img]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        for label in ("Route map", "Heart rate", "Power", "Speed", "Cadence", "Elevation"):
            check(label in labels, f"the ride's page has the picture '{label}': {labels}")
        for svg in page.locator("svg[role=img]").all():
            label = svg.get_attribute("aria-label")
            series = svg.locator("path.series")
            if series.count() == 0:
                continue
            drawn = sum(points_in(series.nth(i).get_attribute("d")) for i in range(series.count()))
            said = sum(int(series.nth(i).get_attribute("data-points")) for i in range(series.count()))
            check(0 < drawn <= 2000 and drawn == said,
                  f"{label}: {drawn} points drawn, as data-points says ({said})")
        page.screenshot(path=os.path.join(shots, "ride.png"), full_page=True)
        page.click("text=table of values >> nth=1")
        check(page.locator("table.values tbody tr").count() > 10, "a picture's values one click away")
        json_response = page.request.get(ride_url + "/json")
        body = json_response.json()
        check(json_response.status == 200 and body["data"][0]["metadata"]["name"] == HOSTILE
              and body["type"] == "activity", "the ride as JSON in GET /v2/activity's shape")
        csv_response = page.request.get(ride_url + "/csv")
        check(csv_response.status == 200 and csv_response.text().startswith("activity,timestamp"),
              "the ride's samples as CSV")

        # Another developer's ride is not there for us.
        response = page.goto(f"{base}/dashboard/users/{other}/activities/{other_ride}")
        check(response.status == 404, f"another developer's ride is 404: {response.status}")
        response = page.goto(f"{base}/dashboard/users/{other}")
        check(response.status == 404, f"another developer's user is 404: {response.status}")

        # Deliveries: the messages to the closed port fail (an attempt, a retry a second later); resend one.
        for _ in range(30):
            page.goto(base + "/dashboard/deliveries")
            if page.locator("tr.failed").count():
                break
            page.wait_for_timeout(1000)
        failed = page.locator("tr.failed")
        check(failed.count() >= 1, f"failed deliveries are listed: {failed.count()}")
        page.screenshot(path=os.path.join(shots, "deliveries.png"), full_page=True)
        if failed.count():
            failed.first.locator("button:has-text('Resend')").click()
            expect(page.locator("p.notice")).to_contain_text("1 message will be sent again")
            check(True, "resend one failed message")
        forged = page.request.post(base + "/dashboard/deliveries/resend", form={"csrf": "forged"})
        check(forged.status == 403, f"a form without its CSRF token is 403: {forged.status}")
        page.click("button:has-text('Send a test event')")
        expect(page.locator("p.notice")).to_contain_text("test event")
        check(True, "a test event is queued")

        page.fill("input[name=url]", "ftp://nowhere")
        page.click("form[action='/dashboard/webhook/url'] button")
        check(page.locator("h1").inner_text().startswith("400"), "a webhook URL that is not http(s) is refused")
        page.goto(base + "/dashboard/deliveries")
        page.fill("input[name=url]", "http://127.0.0.1:9/hook")
        page.click("form[action='/dashboard/webhook/url'] button")
        expect(page.locator("p.notice")).to_contain_text("webhook URL is saved")
        check(page.input_value("input[name=url]") == "http://127.0.0.1:9/hook", "the webhook URL set from the page")
        page.click("button:has-text('Rotate the signing secret')")
        expect(page.locator("p.notice")).to_contain_text("whsec_")
        check(True, "a new signing secret, shown once on the page")

        # Data scopes: untick our slipstream object and heart rate samples, saved, read back, and
        # GET /v2/activity then leaves them out.
        page.goto(base + "/dashboard/settings")
        page.uncheck("input[name='slipstream']")
        page.uncheck("input[name='samples.heart_rate']")
        page.click("button:has-text('Save')")
        expect(page.locator("p.notice")).to_contain_text("Saved")
        page.goto(base + "/dashboard/settings")
        check(not page.is_checked("input[name='slipstream']") and page.is_checked("input[name='event.activity']"),
              "data scopes saved from the settings page")
        page.screenshot(path=os.path.join(shots, "settings.png"), full_page=True)
        status, body = server.request(
            "GET", f"/v2/activity?user_id={rider['user_id']}&start_date=2024-05-01&end_date=2024-06-01"
            "&to_webhook=false&with_samples=true", headers=ours)
        scoped = json.loads(body)["data"]
        check(status == 200 and scoped and all("slipstream" not in a for a in scoped)
              and all("detailed" not in a.get("heart_rate_data", {}) for a in scoped)
              and any("power_data" in a for a in scoped),
              "GET /v2/activity follows the scopes set in the dashboard")

        # The end user's connect page: two rides and a damaged file, with progress and outcomes.
        user_page = context.new_page()
        response = user_page.goto(rider["auth_url"])
        check(response.status == 200 and "Ride Lab" in user_page.locator("h1").inner_text(),
              "the connect page names the developer")
        user_page.set_input_files("input[type=file]", args.fit + [args.damaged])
        # (wait_for_function would evaluate a string: the page's CSP rightly forbids it)
        user_page.locator("#outcomes li[data-status]").nth(2).wait_for(timeout=30000)
        items = user_page.locator("#outcomes li")
        outcomes = [items.nth(i).inner_text() for i in range(items.count())]
        bars = user_page.locator("#outcomes progress").evaluate_all("els => els.map(e => e.value >= e.max)")
        check(len(bars) == 3 and all(bars), f"a full progress bar per file: {bars}")
        check(sum(("already there" in o or "stored" in o) and "damaged" not in o for o in outcomes) == 2,
              f"the two rides stored (already there: the dashboard's own): {outcomes}")
        check(any(re.search(r"damaged at byte \d+", o) for o in outcomes), f"the damaged file's byte: {outcomes}")
        user_page.screenshot(path=os.path.join(shots, "connect.png"), full_page=True)
        tampered = user_page.request.get(rider["auth_url"].replace("sig=", "sig=x"))
        check(tampered.status == 404, f"a connect link with a wrong signature is 404: {tampered.status}")

        # Without script the form posts the files as multipart.
        plain = browser.new_context(java_script_enabled=False).new_page()
        plain.goto(rider["auth_url"])
        plain.set_input_files("input[type=file]", [args.fit[1]])
        plain.click("button:has-text('Upload')")
        expect(plain.locator("#outcomes li")).to_have_count(1)
        text = plain.locator("#outcomes").inner_text()
        check(os.path.basename(args.fit[1]) in text and ("stored" in text or "already there" in text),
              f"an upload without script: {text!r}")

        check(not violations, f"no Content-Security-Policy violation: {violations}")
        browser.close()


if __name__ == "__main__":
    main()
