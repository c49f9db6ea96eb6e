#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL (Debian's `postgresql` package): a new cluster in a
# temporary directory, listening on 127.0.0.1 only, removed afterwards. The command finds the
# database in SLIPSTREAM_TEST_POSTGRES.
#   scripts/with-postgres.sh swift test --filter ServiceTests
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
# A free port, so that two runs (a CI clone beside a working copy) do not meet.
port=${PGPORT_TEST:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
data=$(mktemp -d /tmp/slipstream-pg.XXXXXX)
# PostgreSQL will not run as root: when we are root, the cluster belongs to the postgres user.
as=()
if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$data"
    as=(runuser -u postgres --)
fi
stop() {
    "${as[@]}" "$bin/pg_ctl" -D "$data/cluster" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$data/cluster" -U slipstream --auth=trust -E UTF8 >/dev/null
"${as[@]}" "$bin/pg_ctl" -D "$data/cluster" -l "$data/log" -w \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data -c fsync=on" start >/dev/null
"${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U slipstream slipstream_test
export SLIPSTREAM_TEST_POSTGRES="postgres://slipstream@127.0.0.1:$port/slipstream_test"
# `$SLIPSTREAM_TEST_PG_CONTROL stop|start`: the fault checks take the database away and bring it back.
cat > "$data/control" <<CONTROL
#!/usr/bin/env bash
case "\$1" in
    stop) ${as[*]} "$bin/pg_ctl" -D "$data/cluster" -m fast -w stop >/dev/null ;;
    start) ${as[*]} "$bin/pg_ctl" -D "$data/cluster" -l "$data/log" -w \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$data -c fsync=on" start >/dev/null ;;
esac
CONTROL
chmod +x "$data/control"
export SLIPSTREAM_TEST_PG_CONTROL="$data/control"
"$@"
