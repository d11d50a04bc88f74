#!/usr/bin/env bash
# Prepares a machine to run and test krm; safe to run again (each step is skipped when done):
#   1. Debian packages the tests and the local mode use: redis-server, influxdb, chromium, and
#      buildah + mmdebstrap for the container image (scripts/build-image.sh);
#   2. npm ci (which also installs the Node 24 that krm runs on, via the npm package `node`);
#   3. kube-apiserver, etcd, InfluxDB 1.8, kube-scheduler, kube-controller-manager and kwok built from
#      Go modules into ~/.cache/krm/bin (local/cluster/build.ts).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v buildah >/dev/null 2>&1 || missing+=(buildah)
command -v mmdebstrap >/dev/null 2>&1 || missing+=(mmdebstrap)
if ((${#missing[@]} > 0)); then
  step "apt-get install ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund >&2
fi

command -v go >/dev/null 2>&1 || { echo "setup: Go 1.26+ is needed to build kube-apiserver and etcd" >&2; exit 1; }
step "kube-apiserver, etcd, influxd 1.8, kube-scheduler, kube-controller-manager, kwok (built from Go modules when missing or changed)"
node_modules/.bin/node local/cluster/build.ts >&2
