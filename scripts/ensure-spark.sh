#!/usr/bin/env bash
# Installs what the Spark job (integrations/spark) needs to be tested and measured, when missing:
# Java 17 (Debian's openjdk-17-jre-headless) and a virtual environment, .build/spark-venv, with
# PySpark, pyarrow and pytest from PyPI (pinned), and the job itself (pip install ./integrations/spark).
set -euo pipefail
cd "$(dirname "$0")/.."

java_major() {
    java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}
major=$(java_major 2>/dev/null || true)
if [ -z "$major" ] || [ "${major%%.*}" -lt 17 ]; then  # none, or 1.8, 11…
    echo "installing: openjdk-17-jre-headless" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo mkdir -p /usr/share/man/man1  # the JRE's post-install links its man pages there (slim images lack it)
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

venv=.build/spark-venv
pins=(pyspark==4.3.0 pyarrow==26.0.1 pytest==9.2.0)
if ! "$venv/bin/python" - "${pins[@]}" 2>/dev/null <<'PY'
import sys
from importlib.metadata import version
sys.exit(any(version(name) != wanted for name, wanted in (pin.split("==") for pin in sys.argv[1:])))
PY
then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps ./integrations/spark
