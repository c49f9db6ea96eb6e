#!/usr/bin/env bash
# Installs the C libraries Slipstream binds (Debian packages) when they are missing.
set -euo pipefail

packages=(libyajl-dev libarchive-dev libsqlite3-dev zlib1g-dev curl jq pkg-config tar gzip zstd zip python3-venv)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
