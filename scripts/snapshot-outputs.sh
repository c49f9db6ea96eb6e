#!/usr/bin/env bash
# Snapshots what the CLI and the service answer, one file per case, so that two binaries can be
# compared byte for byte (a refactor that must change no output):
#
#   scripts/snapshot-outputs.sh SLIPSTREAM_BINARY OUTDIR
#   scripts/snapshot-outputs.sh /tmp/before/.build/release/slipstream /tmp/snapshot-before
#   scripts/snapshot-outputs.sh .build/release/slipstream /tmp/snapshot-after
#   diff -r /tmp/snapshot-before /tmp/snapshot-after
#
# Inputs: the repository's fixtures and example (copied into a scratch directory, so that the paths
# in the outputs do not depend on where the repository is) and payloads written by `generate` with
# fixed seeds. Each case file holds the command, its exit status, standard error and standard output
# (binary output as a hex dump). The HTTP cases (a `serve` on a scratch SQLite database and a free
# port, a webhook receiver written here in Python) hold the status line, the headers but Date and
# x-request-id, and the body. What changes from run to run (generated ids and keys, user ids,
# references, timestamps of now, ports, durations) is replaced by placeholders at the end, so that
# two runs of the same binary give identical snapshots. Needs curl, python3, gzip, tar, zip, zstd,
# bzip2, xz (scripts/ensure-deps.sh).
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 SLIPSTREAM_BINARY OUTDIR" >&2
    exit 64
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "$1")
[ -x "$bin" ] || { echo "$0: $1 is not an executable" >&2; exit 66; }
mkdir -p "$2"
out=$(realpath "$2")
rm -f "$out"/*.txt

work=$(mktemp -d /tmp/slipstream-snapshot.XXXXXX)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
day0=$(date -u +%F)
cd "$work"
mkdir bin tmp
ln -s "$bin" bin/slipstream
export PATH="$work/bin:$PATH" LC_ALL=C TZ=UTC
unset SLIPSTREAM_DATABASE LOG_LEVEL || true

# ---------------------------------------------------------------------------------------------
# Recording

# Volatile values met on the way, replaced by placeholders in every case file at the end.
: > norm.sed
register() { # VALUE PLACEHOLDER
    local value
    value=$(printf '%s' "$1" | sed -e 's/[]\/$*.^|[+?(){}]/\\&/g')
    printf 's/%s/%s/g\n' "$value" "$2" >> norm.sed
}

case_number=0
next_case() { # NAME: sets $case_path, the next case file
    case_number=$((case_number + 1))
    case_path=$(printf '%s/%03d-%s.txt' "$out" "$case_number" "$1")
}

# Writes FILE as text, or as a hex dump when it holds a NUL byte (FIT) or gzip.
dump() {
    if [ ! -s "$1" ]; then
        return
    fi
    if ! tr -d '\000' < "$1" | cmp -s - "$1" || [ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' ')" = "1f8b" ]; then
        echo "(binary: $(wc -c < "$1") bytes, sha256 $(sha256sum < "$1" | cut -c 1-64))"
        xxd "$1" | head -n 4000
    else
        cat "$1"
    fi
}

# run NAME COMMAND... : runs in the scratch directory, standard input empty.
run() {
    local name=$1
    shift
    run_stdin "$name" /dev/null "$@"
}

# run_stdin NAME FILE COMMAND... : the same with FILE on standard input.
run_stdin() {
    local name=$1 input=$2 status=0
    shift 2
    next_case "$name"
    timeout 300 "$@" < "$input" > tmp/stdout 2> tmp/stderr || status=$?
    {
        printf '$'
        printf ' %q' "$@"
        [ "$input" = /dev/null ] || printf ' < %s' "$input"
        printf '\n--- exit %s\n--- stderr\n' "$status"
        dump tmp/stderr
        printf -- '--- stdout\n'
        dump tmp/stdout
    } > "$case_path"
}

# sh_run NAME SCRIPT : a shell pipeline (pipefail on), recorded as written.
sh_run() {
    run "$1" bash -o pipefail -c "$2"
}

# ---------------------------------------------------------------------------------------------
# Inputs

mkdir -p in/pass in/fail in/fit gen damaged exports
# The test fixtures: Tests/Fixtures (Tests/SlipstreamTests/Fixtures before the test targets were split).
fixtures=
for candidate in Tests/Fixtures Tests/SlipstreamTests/Fixtures; do
    if [ -d "$repo/$candidate/parsing/pass" ] && [ -d "$repo/$candidate/fit" ]; then
        fixtures=$repo/$candidate
        break
    fi
done
[ -n "$fixtures" ] || { echo "$0: no test fixtures under $repo/Tests" >&2; exit 66; }
cp "$fixtures"/parsing/pass/*.json in/pass/
cp "$fixtures"/parsing/fail/*.json in/fail/
cp "$fixtures"/fit/*.fit in/fit/
cp "$repo"/examples/xoss-morning-rides.json in/

slipstream generate --seconds 600 --seed 1 > gen/ride-1.json
slipstream generate --seconds 300 --activities 2 --seed 2 > gen/ride-2.json
slipstream generate --format fit --seconds 1800 --seed 3 > gen/ride.fit
slipstream generate --format fit --seconds 900 --activities 2 --summary-first --seed 4 > gen/summary-first.fit
slipstream generate --format fit --seconds 900 --activities 2 --strap-heart-rate --seed 5 > gen/strap.fit
gzip -n -c gen/ride-1.json > gen/ride-1.json.gz
gzip -n -c gen/ride.fit > gen/ride.fit.gz

head -c 20000 in/xoss-morning-rides.json > damaged/cut.json
head -c 3000 gen/ride.fit > damaged/cut.fit
gzip -n -c in/xoss-morning-rides.json | head -c 5000 > damaged/cut.json.gz
printf '[{"metadata":{"summary_id":"ride-1"}},\n {"metadata":{"summary_id":"ride-2"},"power_data":{"power_samples":[{"timestamp":"2024-05-04T07:30:00Z","watts":2x0}]}}]\n' > damaged/broken.json
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0' > damaged/image.png
printf '{"type":"sleep","data":[]}\n' > damaged/sleep.json
printf '{"status":"error","message":"User not found","type":"activity"}\n' > damaged/error-response.json
printf '{"status":"success","type":"activity","reference":"ref-1","message":"sent to webhook"}\n' > damaged/sent-to-webhook.json

cp gen/ride-1.json gen/ride-2.json gen/ride.fit exports/
cp gen/ride.fit.gz exports/again.fit.gz
cp in/pass/all_channels.json exports/all_channels.json
printf 'not a payload\n' > exports/notes.txt
printf '{"data":[' > exports/cut.json
touch -d '2024-05-04 00:00:00 UTC' exports/* exports
tar_flags=(--sort=name --mtime=@1714780800 --owner=0 --group=0 --numeric-owner)
tar "${tar_flags[@]}" -cf archives.tar exports
mkdir archives
mv archives.tar archives/exports.tar
gzip -n -c archives/exports.tar > archives/exports.tar.gz
zstd -q -c archives/exports.tar > archives/exports.tar.zst
bzip2 -c archives/exports.tar > archives/exports.tar.bz2
xz -c archives/exports.tar > archives/exports.tar.xz
zip -q -X -r archives/exports.zip exports
size=$(wc -c < archives/exports.tar.gz)
head -c $((size / 2)) archives/exports.tar.gz > damaged/exports-cut.tar.gz
# A zip whose second member's compressed bytes are overwritten: its other members stand apart.
cp archives/exports.zip damaged/exports-corrupt.zip
offset=$(python3 - damaged/exports-corrupt.zip <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    infos = [i for i in z.infolist() if i.filename.endswith("ride-1.json")]
    i = infos[0]
    # local header (30 bytes + name + extra) then data
    with open(sys.argv[1], "rb") as f:
        f.seek(i.header_offset + 26)
        n, e = int.from_bytes(f.read(2), "little"), int.from_bytes(f.read(2), "little")
    print(i.header_offset + 30 + n + e + 200)
EOF
)
printf 'GARBAGEGARBAGEGARBAGE' | dd of=damaged/exports-corrupt.zip bs=1 seek="$offset" conv=notrunc status=none
mkdir -p mixed
cp gen/ride-1.json.gz gen/ride.fit.gz damaged/cut.json mixed/
cp archives/exports.tar.zst mixed/
touch -d '2024-05-04 00:00:00 UTC' mixed/*

# ---------------------------------------------------------------------------------------------
# Help and usage

run version slipstream --version
run help slipstream --help
run no-arguments slipstream
run help-subcommand slipstream help batch
for command in summarize columns convert batch bench generate serve developers deliveries webhooks; do
    run "help-$command" slipstream "$command" --help
done
for command in "developers create" "developers list" "developers rotate-key" "developers set-webhook" \
    "developers enable-webhook" "deliveries list" "deliveries retry" "webhooks verify" "webhooks listen"; do
    # shellcheck disable=SC2086
    run "help-${command// /-}" slipstream $command --help
done
run dump-help slipstream --experimental-dump-help
for shell in bash zsh fish; do
    run "completion-$shell" slipstream --generate-completion-script "$shell"
done
run usage-unknown-subcommand slipstream frobnicate
run usage-unknown-option slipstream summarize --frobnicate in/xoss-morning-rides.json
run usage-bad-zones slipstream summarize --hr-zones 90,80 in/xoss-morning-rides.json
run usage-bad-enum slipstream summarize --prefer nobody in/xoss-morning-rides.json
run usage-bad-format slipstream columns --format json in/xoss-morning-rides.json
run usage-parse-threads slipstream summarize --parse-threads 3 in/xoss-morning-rides.json
run usage-generate-seconds slipstream generate --seconds 0

# ---------------------------------------------------------------------------------------------
# generate

run generate-json slipstream generate --seconds 120
run generate-json-seed slipstream generate --seconds 60 --activities 2 --seed 7
run generate-json-pretty slipstream generate --seconds 20 --pretty
run generate-fit slipstream generate --format fit --seconds 300 --seed 3
run generate-fit-summary-first slipstream generate --format fit --seconds 120 --activities 2 --summary-first --seed 4
run generate-fit-strap slipstream generate --format fit --seconds 120 --activities 2 --strap-heart-rate --seed 5
sh_run generate-sizes 'for s in 1 2 3; do slipstream generate --seconds 3600 --seed $s | sha256sum; slipstream generate --format fit --seconds 3600 --seed $s | sha256sum; done'

# ---------------------------------------------------------------------------------------------
# summarize

run summarize-example slipstream summarize in/xoss-morning-rides.json
run summarize-example-pretty slipstream summarize --pretty in/xoss-morning-rides.json
run summarize-example-json slipstream summarize --format json in/xoss-morning-rides.json
run summarize-example-json-pretty slipstream summarize --format json --pretty in/xoss-morning-rides.json
run summarize-example-csv slipstream summarize --format csv in/xoss-morning-rides.json
run summarize-example-options slipstream summarize --ftp 250 --max-hr 190 --hr-zones 55,65,75,85,95 \
    --elevation-hysteresis 5 --power-zeros exclude --cadence-zeros include --moving-threshold 3 \
    --pause-gap 5 --polyline-tolerance 20 in/xoss-morning-rides.json
run summarize-example-prefer-provider slipstream summarize --prefer provider in/xoss-morning-rides.json
run summarize-example-parse-threads slipstream summarize --parse-threads 2 in/xoss-morning-rides.json
run summarize-example-source-tags slipstream summarize --source-tags --error-records --stats in/xoss-morning-rides.json damaged/cut.json
run_stdin summarize-stdin in/xoss-morning-rides.json slipstream summarize
run_stdin summarize-stdin-dash gen/ride-1.json.gz slipstream summarize -
run summarize-generated slipstream summarize gen/ride-1.json gen/ride-2.json
run summarize-gzip slipstream summarize gen/ride-1.json.gz
run summarize-gzip-csv slipstream summarize --format csv gen/ride-1.json.gz gen/ride.fit.gz
run summarize-fit slipstream summarize gen/ride.fit
run summarize-fit-pretty slipstream summarize --pretty gen/ride.fit
run summarize-fit-summary-first slipstream summarize gen/summary-first.fit
run summarize-fit-strap slipstream summarize gen/strap.fit
run summarize-fit-gzip slipstream summarize gen/ride.fit.gz
for fixture in in/pass/*.json; do
    run "summarize-pass-$(basename "$fixture" .json)" slipstream summarize "$fixture"
done
for fixture in in/fail/*.json; do
    run "summarize-fail-$(basename "$fixture" .json)" slipstream summarize "$fixture"
done
run summarize-pass-all-json slipstream summarize --format json in/pass/all_channels.json in/pass/provider_values.json
run summarize-pass-all-csv slipstream summarize --format csv in/pass
for fixture in in/fit/*.fit; do
    run "summarize-fit-$(basename "$fixture" .fit)" slipstream summarize "$fixture"
done
run summarize-fit-ignore-crc slipstream summarize --ignore-crc in/fit/activity-activity-filecrc.fit in/fit/activity-settings-corruptheader.fit
run summarize-damaged-cut-json slipstream summarize damaged/cut.json
run summarize-damaged-cut-fit slipstream summarize damaged/cut.fit
run summarize-damaged-cut-gzip slipstream summarize damaged/cut.json.gz
run summarize-damaged-broken slipstream summarize damaged/broken.json
run summarize-damaged-image slipstream summarize damaged/image.png
run summarize-damaged-sleep slipstream summarize damaged/sleep.json
run summarize-damaged-error-response slipstream summarize damaged/error-response.json
run summarize-damaged-sent-to-webhook slipstream summarize damaged/sent-to-webhook.json
run summarize-missing slipstream summarize nope.json
run summarize-damaged-several slipstream summarize damaged/broken.json gen/ride-1.json damaged/cut.fit
run summarize-damaged-fail-fast slipstream summarize --fail-fast damaged/broken.json gen/ride-1.json
run summarize-limit-depth slipstream summarize --max-depth 4 gen/ride-1.json
run summarize-limit-token slipstream summarize --max-token-bytes 10 gen/ride-1.json
run summarize-limit-samples slipstream summarize --max-samples 100 gen/ride-1.json
run summarize-limit-payload slipstream summarize --max-payload-bytes 1000 gen/ride-1.json
run summarize-limit-samples-fit slipstream summarize --max-samples 100 gen/ride.fit
run summarize-directory slipstream summarize exports
run summarize-archive slipstream summarize archives/exports.tar.gz
sh_run summarize-output-file 'slipstream summarize --output summaries.ndjson gen/ride-1.json gen/ride.fit; echo "exit $?"; cat summaries.ndjson; rm -f summaries.ndjson'

# ---------------------------------------------------------------------------------------------
# columns

run columns-example slipstream columns in/xoss-morning-rides.json
run columns-example-ndjson slipstream columns --format ndjson in/xoss-morning-rides.json
run columns-generated slipstream columns gen/ride-2.json
run columns-gzip slipstream columns gen/ride-1.json.gz
run columns-fit slipstream columns gen/ride.fit
run columns-fit-ndjson slipstream columns --format ndjson gen/summary-first.fit
run columns-fit-strap slipstream columns gen/strap.fit
run columns-all-channels slipstream columns in/pass/all_channels.json in/pass/timestamps.json in/pass/drops.json
run columns-fit-fixtures slipstream columns in/fit/Activity.fit in/fit/compressed-speed-distance.fit
run columns-parse-threads slipstream columns --parse-threads 2 in/xoss-morning-rides.json
run columns-damaged slipstream columns damaged/cut.json
run columns-damaged-fit slipstream columns damaged/cut.fit
run columns-directory slipstream columns --source-tags exports
run_stdin columns-stdin gen/ride.fit slipstream columns

# ---------------------------------------------------------------------------------------------
# convert

run convert-fit slipstream convert gen/ride.fit
run convert-fit-pretty slipstream convert --pretty gen/summary-first.fit
run convert-fit-strap slipstream convert gen/strap.fit
run convert-fit-gzip slipstream convert gen/ride.fit.gz
run convert-json slipstream convert gen/ride-2.json
run convert-example slipstream convert in/xoss-morning-rides.json
for fixture in in/fit/*.fit; do
    run "convert-fit-$(basename "$fixture" .fit)" slipstream convert "$fixture"
done
run convert-pass-fixtures slipstream convert in/pass
run convert-damaged slipstream convert damaged/cut.fit damaged/cut.json
sh_run convert-roundtrip 'slipstream convert gen/ride.fit > tmp-converted.json && diff <(slipstream summarize gen/ride.fit) <(slipstream summarize tmp-converted.json); echo "exit $?"; rm -f tmp-converted.json'

# ---------------------------------------------------------------------------------------------
# batch

run batch-directory slipstream batch exports
run batch-directory-jobs1 slipstream batch --jobs 1 exports
run batch-directory-csv slipstream batch --format csv exports
run batch-directory-json slipstream batch --format json exports
run batch-directory-pretty slipstream batch --pretty exports
run batch-directory-quiet slipstream batch -q exports
run batch-directory-no-tags slipstream batch --no-source-tags --no-error-records --no-stats exports
run batch-directory-fail-fast slipstream batch --jobs 1 --fail-fast exports
run batch-directory-options slipstream batch --ftp 250 --max-hr 190 --prefer provider exports
run batch-directory-parse-threads slipstream batch --parse-threads 2 --jobs 1 exports
sh_run batch-directory-unordered 'slipstream batch --unordered exports | sort'
for archive in archives/*; do
    run "batch-archive-${archive#archives/exports.}" slipstream batch "$archive"
done
run batch-archive-csv slipstream batch --format csv archives/exports.tar.gz archives/exports.zip
run batch-archive-read-ahead slipstream batch --jobs 2 --read-ahead-mb 1 archives/exports.tar.gz
run batch-damaged-tar slipstream batch damaged/exports-cut.tar.gz
run batch-damaged-zip slipstream batch damaged/exports-corrupt.zip
run batch-damaged-files slipstream batch damaged
run batch-damaged-files-csv slipstream batch --format csv damaged
run batch-mixed slipstream batch mixed gen/ride.fit in/fit
run batch-fit-fixtures slipstream batch --format csv in/fit
run batch-pass-fixtures slipstream batch in/pass
run batch-fail-fixtures slipstream batch in/fail
run batch-missing slipstream batch exports nope.json
run_stdin batch-stdin archives/exports.tar.gz slipstream batch
run batch-output-no-directory slipstream batch --output out/summaries.csv --format csv exports
mkdir -p out
sh_run batch-output-file 'slipstream batch --output out/summaries.csv --format csv exports; echo "exit $?"; ls out; cat out/summaries.csv; rm -rf out'
run batch-limit-samples slipstream batch --max-samples 100 exports

# ---------------------------------------------------------------------------------------------
# bench: figures change from run to run; every number becomes N (the shape of the report stays).

sh_run bench-json 'slipstream bench --format json --iterations 1 --no-decoder --seconds 60 | sed -E "s/-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/N/g"'
sh_run bench-file-json 'slipstream bench --format json --iterations 1 gen/ride-1.json gen/ride.fit | sed -E "s/-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/N/g"'
sh_run bench-table 'slipstream bench --iterations 1 --no-decoder --seconds 60 | sed -E "s/[0-9][0-9,]*(\.[0-9]+)?/N/g; s/ +/ /g"'
run bench-missing slipstream bench nope.json

# ---------------------------------------------------------------------------------------------
# webhooks verify (signatures made here with Python's hmac)

cat > sign.py <<'EOF'
import hashlib, hmac, sys, time
secret, path = sys.argv[1], sys.argv[2]
t = sys.argv[3] if len(sys.argv) > 3 else str(int(time.time()))
body = open(path, "rb").read()
print(f"t={t},v1=" + hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest())
EOF
sign() { python3 sign.py "$@"; }
printf '{"type":"auth","user":{"user_id":"u1"}}' > tmp/event.json
secret=whsec_c2VjcmV0
run_stdin webhooks-verify-valid tmp/event.json slipstream webhooks verify --secret "$secret" --signature "$(sign "$secret" tmp/event.json)"
run_stdin webhooks-verify-wrong-body gen/ride-1.json slipstream webhooks verify --secret "$secret" --signature "$(sign "$secret" tmp/event.json)"
run_stdin webhooks-verify-wrong-secret tmp/event.json slipstream webhooks verify --secret whsec_b3RoZXI= --signature "$(sign "$secret" tmp/event.json)"
run_stdin webhooks-verify-stale tmp/event.json slipstream webhooks verify --secret "$secret" --signature "$(sign "$secret" tmp/event.json 1000000000)"
run_stdin webhooks-verify-tolerance tmp/event.json slipstream webhooks verify --tolerance 100000000000 --secret "$secret" --signature "$(sign "$secret" tmp/event.json 1000000000)"
run_stdin webhooks-verify-malformed tmp/event.json slipstream webhooks verify --secret "$secret" --signature "v1=abc"
run_stdin webhooks-verify-empty tmp/event.json slipstream webhooks verify --secret "$secret" --signature ""

# ---------------------------------------------------------------------------------------------
# developers and deliveries on a database of their own, offline

run developers-list-empty slipstream developers list --database cli.sqlite
# register_keys FILE PREFIX: the dev_id, api_key and webhook_signing_secret a command printed.
register_keys() {
    local field value
    for field in dev_id api_key webhook_signing_secret; do
        value=$(sed -n "s/.*\"$field\":\"\([^\"]*\)\".*/\1/p" "$1")
        [ -z "$value" ] || register "$value" "${2}_$(echo "$field" | tr a-z A-Z)"
    done
}
run developers-create slipstream developers create --name "Acme Fitness" --database cli.sqlite
cli_dev=$(sed -n 's/.*"dev_id":"\([^"]*\)".*/\1/p' "$case_path")
register_keys "$case_path" CLI
run developers-create-hooked slipstream developers create --name "Hooked" --webhook-url http://127.0.0.1:9/hooks \
    --terra-signing-secret terra-secret --database sqlite:cli.sqlite
cli_dev2=$(sed -n 's/.*"dev_id":"\([^"]*\)".*/\1/p' "$case_path")
register_keys "$case_path" CLI2
run developers-create-no-name slipstream developers create --database cli.sqlite
run developers-list slipstream developers list --database cli.sqlite
run developers-rotate-key slipstream developers rotate-key "$cli_dev" --database cli.sqlite
register_keys "$case_path" CLI_ROTATED
run developers-rotate-key-unknown slipstream developers rotate-key nobody-00000000 --database cli.sqlite
run developers-set-webhook slipstream developers set-webhook "$cli_dev" https://example.com/terra --database cli.sqlite
run developers-set-webhook-remove slipstream developers set-webhook "$cli_dev2" --database cli.sqlite
run developers-set-webhook-unknown slipstream developers set-webhook nobody-00000000 https://example.com/ --database cli.sqlite
run developers-enable-webhook slipstream developers enable-webhook "$cli_dev" --database cli.sqlite
run developers-enable-webhook-unknown slipstream developers enable-webhook nobody-00000000 --database cli.sqlite
run developers-list-after slipstream developers list --database cli.sqlite
run developers-bad-database-scheme slipstream developers list --database mysql://nobody@127.0.0.1/none
run developers-bad-database-url slipstream developers list --database postgres://
run developers-bad-database-path slipstream developers list --database /nonexistent-directory/x.sqlite
run deliveries-list-empty slipstream deliveries list --database cli.sqlite
run deliveries-list-status slipstream deliveries list --status failed --developer "$cli_dev" --limit 5 --database cli.sqlite
run deliveries-list-bad-status slipstream deliveries list --status lost --database cli.sqlite
run deliveries-retry-unknown slipstream deliveries retry msg_999 --database cli.sqlite
run deliveries-retry-none slipstream deliveries retry --all-failed --database cli.sqlite
run deliveries-retry-nothing slipstream deliveries retry --database cli.sqlite

# ---------------------------------------------------------------------------------------------
# The service

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for_port() { # PORT: until something accepts connections there (no request sent: nothing logged)
    local _
    for _ in $(seq 300); do
        (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null && return 0
        sleep 0.1
    done
    return 1
}
port=$(free_port)
hook_port=$(free_port)
listen_port=$(free_port)
register "127.0.0.1:$port" 127.0.0.1:PORT
register "localhost:$port" localhost:PORT
register "127.0.0.1:$hook_port" 127.0.0.1:HOOK_PORT
register "127.0.0.1:$listen_port" 127.0.0.1:LISTEN_PORT

db=svc.sqlite
create_developer() { # NAME CASE ARGS... -> sets dev_id api_key webhook_secret
    local name=$1 case=$2 file
    shift 2
    run "$case" slipstream developers create --name "$name" --database "$db" "$@"
    file=$case_path
    dev_id=$(sed -n 's/.*"dev_id":"\([^"]*\)".*/\1/p' "$file")
    api_key=$(sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' "$file")
    webhook_secret=$(sed -n 's/.*"webhook_signing_secret":"\([^"]*\)".*/\1/p' "$file")
}
create_developer Acme service-developer-acme
acme_id=$dev_id acme_key=$api_key
register "$acme_id" ACME_DEV_ID; register "$acme_key" ACME_API_KEY; register "$webhook_secret" ACME_WEBHOOK_SECRET
terra_secret=terra-signing-secret-for-snapshots
create_developer Hooked service-developer-hooked --webhook-url "http://127.0.0.1:$hook_port/hooks" --terra-signing-secret "$terra_secret"
hooked_id=$dev_id hooked_key=$api_key hooked_secret=$webhook_secret
register "$hooked_id" HOOKED_DEV_ID; register "$hooked_key" HOOKED_API_KEY; register "$hooked_secret" HOOKED_WEBHOOK_SECRET
create_developer Other service-developer-other
other_id=$dev_id other_key=$api_key
register "$other_id" OTHER_DEV_ID; register "$other_key" OTHER_API_KEY; register "$webhook_secret" OTHER_WEBHOOK_SECRET

# The webhook receiver: keeps every attempt; answers 500 to the first two attempts of a message
# that mentions "flaky-athlete" (so that one message fails and is retried by hand).
mkdir received
cat > receiver.py <<'EOF'
import base64, hashlib, hmac, http.server, os, sys, threading
port, secret, directory = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lock = threading.Lock()
attempts = {}
VOLATILE = {"host", "date", "terra-signature", "webhook-signature", "webhook-timestamp", "x-terra-ordering-timestamp"}

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def do_POST(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().strip().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                body += self.rfile.read(size)
                self.rfile.readline()
        else:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
        message = self.headers.get("webhook-id", "none")
        with lock:
            attempts[message] = attempts.get(message, 0) + 1
            attempt = attempts[message]
        status = 500 if b"flaky-athlete" in body and attempt <= 2 else 200
        lines = [f"attempt {attempt}: {self.command} {self.path} -> {status}"]
        for name, value in self.headers.items():
            if name.lower() not in VOLATILE:
                lines.append(f"{name.lower()}: {value}")
        t_sig = dict(p.split("=", 1) for p in self.headers.get("terra-signature", "").split(",") if "=" in p)
        expected = hmac.new(secret.encode(), t_sig.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
        lines.append("terra-signature: " + ("valid" if hmac.compare_digest(expected, t_sig.get("v1", "")) else "INVALID"))
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{message}.{self.headers.get('webhook-timestamp', '')}.".encode() + body
        expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        lines.append("webhook-signature: " + ("valid" if expected in self.headers.get("webhook-signature", "").split(" ") else "INVALID"))
        with open(os.path.join(directory, f"{message}.{attempt}"), "wb") as f:
            f.write(("\n".join(lines) + "\n\n").encode() + body + b"\n")
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
EOF
python3 receiver.py "$hook_port" "$hooked_secret" received > receiver.log 2>&1 &
pids+=($!)

slipstream serve --port "$port" --database "$db" --max-body-bytes 1000000 --retry-schedule 1s \
    --max-request-days 400 --hourly-request-days 1000 > serve.log 2>&1 &
serve_pid=$!
pids+=("$serve_pid")
wait_for_port "$port" || { cat serve.log >&2; echo "$0: the server did not start" >&2; exit 1; }

# http NAME METHOD PATH [CURL ARGS...]: one request, its answer recorded.
http() {
    local name=$1 method=$2 path=$3 status=0
    shift 3
    next_case "http-$name"
    curl -sS --http1.1 -H 'Expect:' -X "$method" -D tmp/headers -o tmp/body --max-time 60 "$@" \
        "http://127.0.0.1:$port$path" 2> tmp/curl-stderr || status=$?
    {
        printf '%s %s\n' "$method" "$path"
        [ "$status" -eq 0 ] || printf 'curl exit %s: %s\n' "$status" "$(cat tmp/curl-stderr)"
        tr -d '\r' < tmp/headers | grep -viE '^(date|x-request-id):' \
            | sed -E 's/^(X-Terra-RateLimit-Reset-After|Retry-After): [0-9]+$/\1: SECONDS/I' || true
        dump tmp/body
    } > "$case_path"
    last_body=tmp/body
}
acme=(-H "dev-id: $acme_id" -H "x-api-key: $acme_key")
hooked=(-H "dev-id: $hooked_id" -H "x-api-key: $hooked_key")
other=(-H "dev-id: $other_id" -H "x-api-key: $other_key")
json=(-H 'content-type: application/json')
user_count=0
new_user() { # CASE KEYS-ARRAY-NAME BODY -> user_id, registered
    local name=$1 keys="$2[@]"
    shift 2
    http "$name" POST '/v2/auth/authenticateUser?resource=XOSS' "${!keys}" "$@"
    user_id=$(sed -n 's/.*"user_id":"\([^"]*\)".*/\1/p' "$last_body")
    user_count=$((user_count + 1))
    register "$user_id" "USER_$user_count"
}
reference_count=0
register_reference() {
    local reference
    reference=$(sed -n 's/.*"reference":"\([^"]*\)".*/\1/p' "$last_body")
    [ -n "$reference" ] || return 0
    reference_count=$((reference_count + 1))
    register "$reference" "REFERENCE_$reference_count"
}
drain() { # waits until the Hooked developer has no pending message
    local _
    for _ in $(seq 300); do
        [ -z "$(slipstream deliveries list --status pending --developer "$hooked_id" --database "$db")" ] && return 0
        sleep 0.2
    done
    echo "$0: webhook messages still pending after 60 s" >&2
}

# Operations and routing
http healthz GET /healthz
http openapi GET /openapi.yaml
http not-found GET /nope
http not-found-v2 GET /v2/nope "${acme[@]}"
http method-healthz POST /healthz
http method-ingest GET '/v2/ingest?user_id=x' "${acme[@]}"
http method-activity PUT /v2/activity "${acme[@]}"
http method-webhook GET "/webhooks/terra/$hooked_id"
http method-authenticate GET '/v2/auth/authenticateUser?resource=XOSS' "${acme[@]}"
http method-deauthenticate POST '/v2/auth/deauthenticateUser?user_id=x' "${acme[@]}"

# Keys
http auth-missing POST '/v2/auth/authenticateUser?resource=XOSS'
http auth-missing-key POST '/v2/auth/authenticateUser?resource=XOSS' -H "dev-id: $acme_id"
http auth-wrong-key POST '/v2/auth/authenticateUser?resource=XOSS' -H "dev-id: $acme_id" -H "x-api-key: wrong"
http auth-unknown-developer GET /v2/subscriptions -H "dev-id: nobody-00000000" -H "x-api-key: $acme_key"
http auth-other-key GET /v2/subscriptions -H "dev-id: $acme_id" -H "x-api-key: $other_key"

# Users
http authenticate-no-resource POST /v2/auth/authenticateUser "${acme[@]}"
http authenticate-other-resource POST '/v2/auth/authenticateUser?resource=GARMIN' "${acme[@]}"
http authenticate-bad-body POST '/v2/auth/authenticateUser?resource=XOSS' "${acme[@]}" "${json[@]}" --data-binary 'not json'
http authenticate-bad-reference POST '/v2/auth/authenticateUser?resource=XOSS' "${acme[@]}" "${json[@]}" --data-binary '{"reference_id":42}'
http authenticate-array-body POST '/v2/auth/authenticateUser?resource=XOSS' "${acme[@]}" "${json[@]}" --data-binary '[1]'
new_user authenticate-alice acme "${json[@]}" --data-binary '{"reference_id":"alice","language":"en"}'
alice=$user_id
new_user authenticate-no-body acme
anon=$user_id
new_user authenticate-lowercase-resource acme "${json[@]}" --data-binary '{"reference_id":"alice"}'
alice2=$user_id
http authenticate-lowercase-xoss POST '/v2/auth/authenticateUser?resource=xoss' "${acme[@]}" "${json[@]}" --data-binary '{"reference_id":null}'
user_id=$(sed -n 's/.*"user_id":"\([^"]*\)".*/\1/p' "$last_body"); user_count=$((user_count + 1)); register "$user_id" "USER_$user_count"
new_user authenticate-other other "${json[@]}" --data-binary '{"reference_id":"alice"}'
stranger=$user_id
new_user authenticate-flaky hooked "${json[@]}" --data-binary '{"reference_id":"flaky-athlete"}'
flaky=$user_id
new_user authenticate-bob hooked "${json[@]}" --data-binary '{"reference_id":"bob"}'
bob=$user_id
http connected-page GET "/auth/connected?user_id=$alice"
http connected-page-no-user GET /auth/connected
http user-info GET "/v2/userInfo?user_id=$alice" "${acme[@]}"
http user-info-reference GET '/v2/userInfo?reference_id=alice' "${acme[@]}"
http user-info-reference-unknown GET '/v2/userInfo?reference_id=nobody' "${acme[@]}"
http user-info-unknown GET '/v2/userInfo?user_id=00000000-0000-0000-0000-000000000000' "${acme[@]}"
http user-info-other-developer GET "/v2/userInfo?user_id=$stranger" "${acme[@]}"
http user-info-no-parameter GET /v2/userInfo "${acme[@]}"
http user-info-empty GET '/v2/userInfo?user_id=' "${acme[@]}"
http subscriptions GET /v2/subscriptions "${acme[@]}"
http subscriptions-other GET /v2/subscriptions "${other[@]}"

# Ingest
http ingest-example POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/xoss-morning-rides.json
http ingest-fit POST "/v2/ingest?user_id=$alice" "${acme[@]}" -H 'content-type: application/octet-stream' --data-binary @gen/ride.fit
http ingest-gzip POST "/v2/ingest?user_id=$alice" "${acme[@]}" -H 'content-encoding: identity' --data-binary @gen/ride-1.json.gz
http ingest-fit-gzip POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @gen/ride.fit.gz
http ingest-fit-summary-first POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @gen/summary-first.fit
http ingest-fit-strap POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @gen/strap.fit
http ingest-fit-fixture POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/fit/compressed-speed-distance.fit
http ingest-chunked POST "/v2/ingest?user_id=$alice" "${acme[@]}" -H 'Transfer-Encoding: chunked' --data-binary @gen/ride-2.json
http ingest-again POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/xoss-morning-rides.json
http ingest-problems POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/pass/drops.json
http ingest-no-start POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary '{"data":[{"metadata":{"summary_id":"no-start"}}]}'
http ingest-concatenated POST "/v2/ingest?user_id=$anon" "${acme[@]}" --data-binary @in/pass/concatenated.json
http ingest-provider-values POST "/v2/ingest?user_id=$anon" "${acme[@]}" --data-binary @in/pass/provider_values.json
http ingest-timestamps POST "/v2/ingest?user_id=$anon" "${acme[@]}" --data-binary @in/pass/timestamps.json
http ingest-cut-json POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/cut.json
http ingest-cut-fit POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/cut.fit
http ingest-cut-gzip POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/cut.json.gz
http ingest-broken POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/broken.json
http ingest-image POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/image.png
http ingest-sleep POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/sleep.json
http ingest-error-response POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/error-response.json
http ingest-sent-to-webhook POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @damaged/sent-to-webhook.json
http ingest-bad-crc POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/fit/activity-activity-filecrc.fit
http ingest-settings-fit POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/fit/Settings.fit
http ingest-empty POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary ''
http ingest-one-byte POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary '{'
http ingest-empty-data POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary '{"type":"activity","data":[]}'
http ingest-fail-fixture POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @in/fail/error_on_line_five.json
http ingest-no-user POST /v2/ingest "${acme[@]}" --data-binary @gen/ride-1.json
http ingest-unknown-user POST '/v2/ingest?user_id=00000000-0000-0000-0000-000000000000' "${acme[@]}" --data-binary @gen/ride-1.json
http ingest-other-developer POST "/v2/ingest?user_id=$stranger" "${acme[@]}" --data-binary @gen/ride-1.json
http ingest-no-keys POST "/v2/ingest?user_id=$alice" --data-binary @gen/ride-1.json
head -c 1000001 /dev/zero | tr '\0' ' ' > tmp/too-large.json
http ingest-too-large POST "/v2/ingest?user_id=$alice" "${acme[@]}" --data-binary @tmp/too-large.json
http ingest-too-large-chunked POST "/v2/ingest?user_id=$alice" "${acme[@]}" -H 'Transfer-Encoding: chunked' --data-binary @tmp/too-large.json

# History
http activity GET "/v2/activity?user_id=$alice&start_date=2024-05-01&end_date=2024-06-01&to_webhook=false" "${acme[@]}"
http activity-samples GET "/v2/activity?user_id=$alice&start_date=2024-05-05&end_date=2024-05-06&to_webhook=false&with_samples=true" "${acme[@]}"
http activity-samples-all GET "/v2/activity?user_id=$alice&start_date=2000-01-01&end_date=2001-01-01&to_webhook=false&with_samples=true" "${acme[@]}"
http activity-samples-fit GET "/v2/activity?user_id=$alice&start_date=1714780800&end_date=1714867200&to_webhook=false&with_samples=true" "${acme[@]}"
http activity-anon GET "/v2/activity?user_id=$anon&start_date=2000-01-01&end_date=2000-12-31&to_webhook=false&with_samples=true" "${acme[@]}"
http activity-empty GET "/v2/activity?user_id=$alice&start_date=2023-01-01&end_date=2023-02-01&to_webhook=false" "${acme[@]}"
http activity-bad-date GET "/v2/activity?user_id=$alice&start_date=May&to_webhook=false" "${acme[@]}"
http activity-reversed GET "/v2/activity?user_id=$alice&start_date=2024-06-01&end_date=2024-05-01&to_webhook=false" "${acme[@]}"
http activity-no-start GET "/v2/activity?user_id=$alice&to_webhook=false" "${acme[@]}"
http activity-bad-flag GET "/v2/activity?user_id=$alice&start_date=2024-05-01&end_date=2024-06-01&to_webhook=maybe" "${acme[@]}"
http activity-bad-samples-flag GET "/v2/activity?user_id=$alice&start_date=2024-05-01&end_date=2024-06-01&to_webhook=false&with_samples=1" "${acme[@]}"
http activity-unknown-user GET '/v2/activity?user_id=00000000-0000-0000-0000-000000000000&start_date=2024-05-01&to_webhook=false' "${acme[@]}"
http activity-other-developer GET "/v2/activity?user_id=$stranger&start_date=2024-05-01&end_date=2024-06-01&to_webhook=false" "${acme[@]}"
recent=$(date -u -d '-10 days' +%F)
register "$recent" RECENT_DATE
http activity-default-end GET "/v2/activity?user_id=$alice&start_date=$recent&to_webhook=false" "${acme[@]}"
http activity-too-long GET "/v2/activity?user_id=$alice&start_date=2020-01-01&end_date=2024-06-01&to_webhook=false" "${acme[@]}"
http activity-to-webhook GET "/v2/activity?user_id=$alice&start_date=2024-05-01&end_date=2024-06-01" "${acme[@]}"
register_reference
http activity-hourly-1 GET "/v2/activity?user_id=$anon&start_date=2021-01-01&end_date=2022-01-01&to_webhook=false" "${acme[@]}"
http activity-hourly-2 GET "/v2/activity?user_id=$anon&start_date=2022-01-01&end_date=2023-01-01&to_webhook=false" "${acme[@]}"
http activity-hourly-3 GET "/v2/activity?user_id=$anon&start_date=2023-01-01&end_date=2024-01-01&to_webhook=false" "${acme[@]}"

# Webhook deliveries (the Hooked developer's endpoint is the receiver above)
http hooked-ingest-flaky POST "/v2/ingest?user_id=$flaky" "${hooked[@]}" --data-binary @gen/ride-1.json
http hooked-ingest-bob POST "/v2/ingest?user_id=$bob" "${hooked[@]}" --data-binary @gen/ride.fit
http hooked-ingest-bob-json POST "/v2/ingest?user_id=$bob" "${hooked[@]}" --data-binary @in/xoss-morning-rides.json
http hooked-history-to-webhook GET "/v2/activity?user_id=$bob&start_date=2024-05-01&end_date=2024-06-01&to_webhook=true" "${hooked[@]}"
register_reference
http hooked-history-short GET "/v2/activity?user_id=$bob&start_date=2024-05-04&end_date=2024-05-05" "${hooked[@]}"
register_reference

# Terra's pushes to /webhooks/terra/{dev_id}
terra_push() { # NAME BODY-FILE SIGNATURE [DEV]
    http "$1" POST "/webhooks/terra/${4:-$hooked_id}" -H "terra-signature: $3" "${json[@]}" --data-binary "@$2"
}
sed "s/\"user_id\":\"[^\"]*\"/\"user_id\":\"$alice\"/" gen/ride-1.json > tmp/push-acme-user.json
printf '{"type":"auth","user":{"user_id":"terra-user-1","provider":"XOSS","reference_id":"terra"},"status":"success","message":"User has successfully authenticated","version":"2022-03-16"}' > tmp/push-auth.json
terra_push terra-activity gen/ride-2.json "$(sign "$terra_secret" gen/ride-2.json)"
terra_push terra-activity-again gen/ride-2.json "$(sign "$terra_secret" gen/ride-2.json)"
gzip -n -c gen/ride-1.json > tmp/push.json.gz
terra_push terra-activity-gzip tmp/push.json.gz "$(sign "$terra_secret" tmp/push.json.gz)"
terra_push terra-event tmp/push-auth.json "$(sign "$terra_secret" tmp/push-auth.json)"
terra_push terra-bad-signature gen/ride-2.json "$(sign wrong-secret gen/ride-2.json)"
terra_push terra-stale-signature gen/ride-2.json "$(sign "$terra_secret" gen/ride-2.json 1000000000)"
terra_push terra-malformed-signature gen/ride-2.json "v1=deadbeef"
http terra-no-signature POST "/webhooks/terra/$hooked_id" "${json[@]}" --data-binary @gen/ride-2.json
terra_push terra-unknown-developer gen/ride-2.json "$(sign "$terra_secret" gen/ride-2.json)" nobody-00000000
terra_push terra-no-secret gen/ride-2.json "$(sign "$terra_secret" gen/ride-2.json)" "$acme_id"
terra_push terra-broken-body damaged/broken.json "$(sign "$terra_secret" damaged/broken.json)"
printf '{"hello":"world"}' > tmp/push-untyped.json
terra_push terra-untyped-body tmp/push-untyped.json "$(sign "$terra_secret" tmp/push-untyped.json)"
terra_push terra-user-of-other-developer tmp/push-acme-user.json "$(sign "$terra_secret" tmp/push-acme-user.json)"
terra_push terra-fit gen/ride.fit "$(sign "$terra_secret" gen/ride.fit)"
http terra-too-large POST "/webhooks/terra/$hooked_id" -H "terra-signature: $(sign "$terra_secret" tmp/too-large.json)" --data-binary @tmp/too-large.json

# Let every message to the Hooked developer arrive; the flaky one fails twice, then is retried.
drain
run service-deliveries-failed slipstream deliveries list --status failed --database "$db"
run service-deliveries-retry slipstream deliveries retry --all-failed --database "$db"
drain

# Deauthentication
http deauthenticate DELETE "/v2/auth/deauthenticateUser?user_id=$alice2" "${acme[@]}"
http deauthenticate-again DELETE "/v2/auth/deauthenticateUser?user_id=$alice2" "${acme[@]}"
http deauthenticate-no-user DELETE /v2/auth/deauthenticateUser "${acme[@]}"
http deauthenticate-other-developer DELETE "/v2/auth/deauthenticateUser?user_id=$stranger" "${acme[@]}"
http deauthenticate-with-activities DELETE "/v2/auth/deauthenticateUser?user_id=$anon" "${acme[@]}"
http deauthenticate-hooked DELETE "/v2/auth/deauthenticateUser?user_id=$bob" "${hooked[@]}"
drain
http user-info-deauthenticated GET "/v2/userInfo?user_id=$anon" "${acme[@]}"
http activity-deauthenticated GET "/v2/activity?user_id=$anon&start_date=2000-01-01&end_date=2000-12-31&to_webhook=false" "${acme[@]}"
http subscriptions-after GET /v2/subscriptions "${acme[@]}"
http subscriptions-hooked GET /v2/subscriptions "${hooked[@]}"
http user-info-reference-after GET '/v2/userInfo?reference_id=alice' "${acme[@]}"

# Metrics: durations and the queue gauge change from run to run, and /healthz was polled at start-up;
# kept: the counters, sorted.
next_case http-metrics; file=$case_path
curl -sS "http://127.0.0.1:$port/metrics" -D tmp/headers -o tmp/body
{
    tr -d '\r' < tmp/headers | grep -viE '^(date|x-request-id|content-length):' || true
    grep -E '^[a-z_]+_total(\{| )' tmp/body | grep -vE 'route="/(healthz|metrics)"' | sort || true
    grep -E '^# (HELP|TYPE)' tmp/body | sort || true
} > "$file"

run service-deliveries slipstream deliveries list --database "$db"
run service-deliveries-hooked slipstream deliveries list --developer "$hooked_id" --status delivered --limit 3 --database "$db"
run service-developers slipstream developers list --database "$db"

# Stop the server: SIGTERM, then it exits 0.
kill -TERM "$serve_pid"
serve_status=0
wait "$serve_pid" || serve_status=$?
next_case service-exit; file=$case_path
echo "serve exit $serve_status after SIGTERM" > "$file"
# Its log: the request lines in order (timestamps, request ids and durations taken out), the
# delivery worker's lines (which interleave with them) sorted apart.
next_case service-log; file=$case_path
{
    echo "--- requests"
    sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+[+-][0-9]{4} //; s/hb\.request\.id=[0-9a-f]+/hb.request.id=ID/; s/seconds=[0-9.e-]+/seconds=S/' serve.log \
        | grep -v 'path=/healthz' | grep 'path=' || true
    echo "--- the rest, sorted"
    sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+[+-][0-9]{4} //; s/hb\.request\.id=[0-9a-f]+/hb.request.id=ID/; s/seconds=[0-9.e-]+/seconds=S/' serve.log \
        | grep -v 'path=' | sort || true
} > "$file"

# What the endpoint received: per message (in webhook-id order), its attempts, then the last one.
next_case webhook-deliveries; file=$case_path
for message in $(ls received | sed 's/\.[0-9]*$//' | sort -u | sort -t_ -k2 -n); do
    last=$(ls received | grep -E "^$message\.[0-9]+$" | sort -t. -k2 -n | tail -n 1)
    echo "=== $message"
    for attempt in $(ls received | grep -E "^$message\.[0-9]+$" | sort -t. -k2 -n); do head -n 1 "received/$attempt"; done
    tail -n +2 "received/$last"
done > "$file"

# ---------------------------------------------------------------------------------------------
# webhooks listen: a developer's endpoint, answering signed pushes

listen_secret=whsec_c25hcHNob3Qtc2VjcmV0
slipstream webhooks listen --port "$listen_port" --secret "$listen_secret" > listen.out 2> listen.err &
listen_pid=$!
pids+=("$listen_pid")
wait_for_port "$listen_port" || { cat listen.err >&2; echo "$0: webhooks listen did not start" >&2; exit 1; }
listen() { # NAME BODY-FILE SIGNATURE
    local status=0
    next_case "listen-$1"
    curl -sS --http1.1 -H 'Expect:' -D tmp/headers -o tmp/body -H "terra-signature: $3" --data-binary "@$2" \
        "http://127.0.0.1:$listen_port/hooks" 2> tmp/curl-stderr || status=$?
    {
        [ "$status" -eq 0 ] || printf 'curl exit %s: %s\n' "$status" "$(cat tmp/curl-stderr)"
        tr -d '\r' < tmp/headers | grep -viE '^(date|x-request-id):' || true
        dump tmp/body
    } > "$case_path"
}
listen activity gen/ride-2.json "$(sign "$listen_secret" gen/ride-2.json)"
listen event tmp/push-auth.json "$(sign "$listen_secret" tmp/push-auth.json)"
listen fit gen/ride.fit "$(sign "$listen_secret" gen/ride.fit)"
listen bad-signature gen/ride-2.json "$(sign wrong gen/ride-2.json)"
listen stale gen/ride-2.json "$(sign "$listen_secret" gen/ride-2.json 1000000000)"
listen broken damaged/broken.json "$(sign "$listen_secret" damaged/broken.json)"
listen untyped tmp/push-untyped.json "$(sign "$listen_secret" tmp/push-untyped.json)"
kill -TERM "$listen_pid"
listen_status=0
wait "$listen_pid" || listen_status=$?
next_case listen-output; file=$case_path
{
    echo "--- exit after SIGTERM: $listen_status"
    echo "--- stdout"
    cat listen.out
    echo "--- stderr (timestamps and request ids out)"
    sed -E 's/^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+[+-][0-9]{4} //; s/hb\.request\.id=[0-9a-f]+/hb.request.id=ID/; s/seconds=[0-9.e-]+/seconds=S/' listen.err
} > "$file"

# ---------------------------------------------------------------------------------------------
# Normalization of what changes from run to run

day1=$(date -u +%F)
{
    cat norm.sed
    # Timestamps of now (users and developers created, messages queued): ISO 8601 on today's date.
    for day in $day0 $day1; do
        printf 's/%sT[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:?[0-9]{2})?/NOW/g\n' "$day"
    done
    # The final line of batch (and --stats): elapsed seconds and throughput.
    printf 's/ in [0-9.]+ s \\([0-9.]+ [KMG]?B\\/s\\)/ in T s (R MB\\/s)/g\n'
    printf 's/ in [0-9.]+ s\\b/ in T s/g\n'
    # Signatures made now (webhooks verify's command lines).
    printf 's/t=[0-9]{10}(\\\\?),v1=[0-9a-f]{64}/t=T\\1,v1=HEX/g\n'
    # Waits until a rate-limit bucket resets (the server's log repeats the headers).
    printf 's/(Retry-After|X-Terra-RateLimit-Reset-After): [0-9]+/\\1: SECONDS/gI\n'
    # Stale signatures (t=1000000000): how far from now.
    printf 's/timestamp is [0-9]+ s away from now/timestamp is N s away from now/g\n'
    # batch --output's temporary file is named after the process.
    printf 's/\\.slipstream-[0-9]+\\.partial/.slipstream-PID.partial/g\n'
    # The scratch directory.
    printf 's|%s|WORK|g\n' "$work"
} > norm-all.sed
for file in "$out"/*.txt; do
    sed -E -i -f norm-all.sed "$file"
done

echo "$0: $(ls "$out" | wc -l) cases in $out ($(($(date +%s) - started)) s)" >&2
