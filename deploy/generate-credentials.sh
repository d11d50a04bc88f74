#!/bin/sh
# Writes deploy/credentials/: random passwords for krm's Redis users and InfluxDB users, and
# the files the kustomization turns into Secrets (see deploy/README.md, "Security model").
# Run once before the first `kubectl apply -k deploy/`; later runs keep existing credentials.
#
#   deploy/generate-credentials.sh            create what is missing
#   deploy/generate-credentials.sh --rotate   new passwords for everything (then apply again)
#
# Needs only a POSIX shell, od and sha256sum (or shasum, or openssl). The folder is in
# .gitignore: credentials are never committed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
dir="$here/credentials"
# The key prefix the ACL users are limited to; keep it equal to KRM_KEY_PREFIX.
prefix=${KRM_KEY_PREFIX:-krm}

random() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then printf %s "$1" | sha256sum | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then printf %s "$1" | shasum -a 256 | cut -d' ' -f1
  else printf %s "$1" | openssl dgst -sha256 -r | cut -d' ' -f1
  fi
}
# The ledger's Redis user: read krm's keys; write only the usage ledger's (<prefix>:{usage}:*),
# through its one script (usage/ledger/ledger-script.ts: HGET, HSET, HINCRBYFLOAT, PEXPIREAT).
ledger_user() {
  echo "user ledger on #$(sha256 "$1") resetkeys %R~$prefix:* ~$prefix:{usage}:* resetchannels -@all +@read +@connection +multi +exec +discard +eval +evalsha +hset +hincrbyfloat +pexpireat -@dangerous +info"
}

if [ "${1:-}" = "--rotate" ]; then
  rm -rf "$dir"
elif [ -f "$dir/users.acl" ]; then
  # Credentials from before the ledger had a Redis user of its own: add it, keep the rest.
  if [ ! -f "$dir/ledger.env" ]; then
    umask 077
    ledger=$(random)
    # noclobber: of concurrent runs, only the one that creates ledger.env adds the user.
    if (set -C && printf 'REDIS_URL=redis://ledger:%s@redis:6379\n' "$ledger" >"$dir/ledger.env") 2>/dev/null; then
      ledger_user "$ledger" >>"$dir/users.acl"
    fi
  fi
  exit 0
fi

# Written to a folder of its own and moved into place at once, so a concurrent run (or an
# interrupted one) never leaves half a set behind.
umask 077
work=$(mktemp -d "$here/.credentials.XXXXXX")
trap 'rm -rf "$work"' EXIT

admin=$(random)
pipeline=$(random)
api=$(random)
metrics=$(random)
ledger=$(random)

# Redis ACL users (redis.io/docs/latest/operate/oss_and_stack/management/security/acl/), by
# their passwords' SHA-256 only. Each user may touch krm's keys only (~prefix:*), no
# channels, no dangerous commands (KEYS, FLUSHALL, CONFIG, DEBUG, ACL, …):
# - default: unauthenticated connections may only PING (the readiness probe);
# - admin: everything, for operators (`redis-cli --user admin`), never given to krm;
# - pipeline: streamer, verifier, aggregator — read and write;
# - api: the API replicas — read-only, except the capacity leases (`<prefix>:{capacity}:lease*`,
#   changed by the scripts of capacity/leases/lease-scripts.ts);
# - metrics: the exporter — read-only, except its own cursor hashes (`<prefix>:{kind}:metrics-cursor`);
# - ledger: the usage ledger — read-only, except the ledger's keys (`<prefix>:{usage}:*`, ledger_user above).
cat >"$work/users.acl" <<EOF
user default on nopass resetkeys resetchannels -@all +ping
user admin on #$(sha256 "$admin") ~* &* +@all
user pipeline on #$(sha256 "$pipeline") resetkeys ~$prefix:* resetchannels -@all +@read +@write +@keyspace +@stream +@hash +@list +@string +@transaction +@scripting +@connection -@dangerous +info
user api on #$(sha256 "$api") resetkeys %R~$prefix:* ~$prefix:{capacity}:lease* resetchannels -@all +@read +@connection +multi +exec +discard +eval +evalsha +hset +hdel +hincrby +incr +zadd +zrem +time -@dangerous +info
user metrics on #$(sha256 "$metrics") resetkeys %R~$prefix:* ~$prefix:*:metrics-cursor resetchannels -@all +@read +@connection +multi +exec +discard +eval +evalsha +hset -@dangerous +info
EOF
ledger_user "$ledger" >>"$work/users.acl"

printf 'REDIS_URL=redis://pipeline:%s@redis:6379\n' "$pipeline" >"$work/pipeline.env"
printf 'REDIS_URL=redis://api:%s@redis:6379\n' "$api" >"$work/api.env"
printf 'REDIS_URL=redis://ledger:%s@redis:6379\n' "$ledger" >"$work/ledger.env"

# InfluxDB 1.x users, created by the image's init script on first start: an admin, the
# exporter's write-only user and Chronograf's read-only user.
influx_admin=$(random)
influx_writer=$(random)
influx_reader=$(random)
cat >"$work/metrics.env" <<EOF
REDIS_URL=redis://metrics:$metrics@redis:6379
INFLUX_USERNAME=krm-metrics
INFLUX_PASSWORD=$influx_writer
EOF
cat >"$work/influxdb.env" <<EOF
INFLUXDB_HTTP_AUTH_ENABLED=true
INFLUXDB_ADMIN_USER=admin
INFLUXDB_ADMIN_PASSWORD=$influx_admin
INFLUXDB_WRITE_USER=krm-metrics
INFLUXDB_WRITE_USER_PASSWORD=$influx_writer
INFLUXDB_READ_USER=chronograf
INFLUXDB_READ_USER_PASSWORD=$influx_reader
EOF
# Chronograf's InfluxDB source: deploy/chronograf/krm-influxdb.src with the reader's credentials.
sed -e 's/"username": ""/"username": "chronograf"/' -e "s/\"password\": \"\"/\"password\": \"$influx_reader\"/" \
  "$here/chronograf/krm-influxdb.src" >"$work/krm-influxdb.src"
# For operators only (`redis-cli --user admin --pass …`, `influx -username admin …`).
cat >"$work/admin.env" <<EOF
REDIS_ADMIN_PASSWORD=$admin
INFLUXDB_ADMIN_PASSWORD=$influx_admin
EOF

# Another run may have finished first: then its set stands and this one is dropped.
if [ ! -e "$dir" ]; then
  mv "$work" "$dir"
  trap - EXIT
fi
