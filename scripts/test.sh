#!/usr/bin/env bash
# Installs what is missing, runs the whole test suite (the service's storage tests against SQLite
# and against a throwaway PostgreSQL this script starts, unless SLIPSTREAM_TEST_POSTGRES names one),
# then checks the FIT decoder against an independent one (fitdecode, from PyPI, in a virtual
# environment this script creates).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
# The style (.swift-format: 120 columns, 4 spaces): `swift format --in-place --recursive Sources Tests
# Package.swift` fixes what this finds.
swift format lint --strict --recursive Sources Tests Package.swift
if [ -z "${SLIPSTREAM_TEST_POSTGRES:-}" ]; then
    exec scripts/with-postgres.sh "$0" "$@"
fi
swift test "$@"

venv=.build/checkers-venv
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/python" -c 'import fitdecode, garmin_fit_sdk, standardwebhooks' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check fitdecode==0.11.0 garmin-fit-sdk==21.218.0 schemathesis==4.32.5 standardwebhooks==1.1.0
fi
bin=.build/debug/slipstream
generated=$(mktemp --suffix=.fit)
trap 'rm -f "$generated"' EXIT
"$bin" generate --format fit --seconds 3600 --activities 3 --seed 7 > "$generated"
# The service over loopback: a crash with uploads in flight, hostile clients, SIGTERM, two servers,
# schemathesis against our OpenAPI document, webhooks checked by the standardwebhooks package.
"$venv/bin/python" scripts/check-service.py --slipstream "$bin" --postgres "$SLIPSTREAM_TEST_POSTGRES" --schemathesis "$venv/bin/st"
# Faults: the throwaway PostgreSQL stopped and started under load (503, never 500; back by itself),
# SQLite on a small tmpfs filled up (507, nothing half stored, reads go on).
"$venv/bin/python" scripts/check-faults.py --slipstream "$bin" --postgres "$SLIPSTREAM_TEST_POSTGRES"

# The web face in Debian's chromium, driven by Playwright: the dashboard, a ride's pictures, the
# end user's upload page (docs/WEB.md). Screenshots go to .build/web-screenshots.
scripts/ensure-browser.sh
ride_a=$(mktemp --suffix=.fit) ride_b=$(mktemp --suffix=.fit)
trap 'rm -f "$generated" "$ride_a" "$ride_b"' EXIT
"$bin" generate --format fit --seconds 1800 --activities 1 --seed 11 > "$ride_a"
"$bin" generate --format fit --seconds 1200 --activities 1 --seed 12 > "$ride_b"
"$venv/bin/python" scripts/check-web.py --slipstream "$bin" --chromium "$(command -v chromium)" \
    --fit "$ride_a" --fit "$ride_b" --damaged Tests/Fixtures/fit/activity-unexpected-eof.fit \
    --screenshots .build/web-screenshots

# The FIT decoder against fitdecode and Garmin's own SDK: generated rides (sessions after and before
# the records, a strap's hr messages chained after), the fixtures, and every file of the shared
# FIT corpus when it is beside the checkout (as in CI).
summary_first=$(mktemp --suffix=.fit) strap=$(mktemp --suffix=.fit)
trap 'rm -f "$generated" "$ride_a" "$ride_b" "$summary_first" "$strap"' EXIT
"$bin" generate --format fit --seconds 1800 --activities 2 --seed 8 --summary-first > "$summary_first"
"$bin" generate --format fit --seconds 1000 --activities 2 --seed 9 --strap-heart-rate > "$strap"
corpus=()
[ -d ../shared/fit-corpus/real ] && corpus=(../shared/fit-corpus/*.fit ../shared/fit-corpus/*.FIT ../shared/fit-corpus/real/*.fit)
"$venv/bin/python" scripts/check-fit.py "$bin" "$generated" "$summary_first" "$strap" Tests/Fixtures/fit/*.fit "${corpus[@]}"

# The Spark job (integrations/spark) in local[2]: PySpark, pyarrow and pytest from PyPI and Java 17
# from Debian, installed by scripts/ensure-spark.sh; its Parquet against `batch` over the same files.
scripts/ensure-spark.sh
SLIPSTREAM_BIN="$bin" .build/spark-venv/bin/python -m pytest -q -p no:cacheprovider integrations/spark/tests
