#!/usr/bin/env bash
# Starts, stops or checks the local servers that Linia's tests and demo use:
# PostgreSQL, Redis, FerretDB (the MongoDB wire protocol over PostgreSQL) and
# Dovecot IMAP. Every server listens on 127.0.0.1 only.
#
# Usage: scripts/services.sh [start|stop|status]
#        (npm run services, npm run services -- stop, npm run services -- status)
#
#   start   starts whatever does not respond yet (the default), leaves running
#           servers alone, prints one URL per server and writes them as
#           `export` lines to $LINIA_SERVICES_DIR/env
#   stop    stops the FerretDB and Dovecot that this script started (by PID);
#           the machine's PostgreSQL and Redis keep running
#   status  prints each server and whether it responds
#   imap-start, imap-stop
#           start or stop only the Dovecot of this services dir (the fault
#           suite runs its own on another port and restarts it)
#   ferretdb-bin
#           prints the path of the FerretDB binary, building it when needed
#
# Environment (all optional):
#   LINIA_SERVICES_DIR   configs, state, logs, PID files and the env file
#                        (default: <repo>/.linia/services)
#   LINIA_PG_DATABASE    PostgreSQL database that FerretDB stores into (default: linia)
#   LINIA_FERRETDB_PORT  FerretDB port (default: 27017)
#   LINIA_FERRETDB_BIN   ferretdb binary to run instead of building FerretDB v1.24.2
#   LINIA_IMAP_PORT      Dovecot IMAP port (default: 1143)
#   XDG_CACHE_HOME       the FerretDB build is cached in $XDG_CACHE_HOME/linia/bin
#                        (default: ~/.cache/linia/bin)
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="${LINIA_SERVICES_DIR:-$REPO_ROOT/.linia/services}"
ENV_FILE="$SERVICES_DIR/env"
CACHE_DIR="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/linia"

HOST=127.0.0.1
PG_PORT=5432
PG_USER=root
PG_DATABASE="${LINIA_PG_DATABASE:-linia}"
PG_URL="postgres://$PG_USER@$HOST:$PG_PORT/$PG_DATABASE"
REDIS_PORT=6379
REDIS_URL="redis://$HOST:$REDIS_PORT"
FERRETDB_VERSION=v1.24.2
FERRETDB_PORT="${LINIA_FERRETDB_PORT:-27017}"
FERRETDB_DIR="$SERVICES_DIR/ferretdb"
FERRETDB_PID_FILE="$FERRETDB_DIR/ferretdb.pid"
MONGODB_URI="mongodb://$HOST:$FERRETDB_PORT/linia"
# PostgreSQL database of the FerretDB this script runs, for Linia's extra indexes. Empty for another server.
FERRETDB_POSTGRESQL_URL=""
IMAP_PORT="${LINIA_IMAP_PORT:-1143}"
IMAP_USER=support@linia.test
IMAP_PASSWORD=linia-dev-password
# Dovecot's sockets live under its base_dir, and a Unix socket path has at most
# 107 bytes, so a longer services dir moves Dovecot's files to /tmp.
DOVECOT_MAX_DIR_LENGTH=70
# Seconds to wait for a server to respond after starting it.
START_TIMEOUT=30
# Seconds to wait for a process to exit after SIGTERM before sending SIGKILL.
STOP_TIMEOUT=15

APT_UPDATED=0

note() { printf 'services: %s\n' "$*" >&2; }
die() {
  printf 'services: error: %s\n' "$*" >&2
  exit 1
}
line() { printf '%-9s %s  (%s)\n' "$1" "$2" "$3"; }

# Runs a command as root, through sudo when this script is not root.
as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root and sudo is missing: run it as root, then run this script again"
  fi
}

# Installs Debian packages. apt-get update runs once, and only when something is installed.
apt_install() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    note "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    APT_UPDATED=1
  fi
  note "apt-get install -y $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2 9>&-
}

# Calls "$@" every 0.2 s until it succeeds or $1 seconds have passed.
wait_until() {
  local timeout=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

tcp_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$HOST" "$1" 2>/dev/null
}

pg_responds() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$HOST" -p "$PG_PORT"
  else
    tcp_open "$PG_PORT"
  fi
}

redis_responds() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "PING\r\n" >&3 && IFS= read -r reply <&3 && [[ $reply == "+PONG"* ]]' \
    "$HOST" "$REDIS_PORT" 2>/dev/null
}

imap_responds() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && IFS= read -r greeting <&3 && [[ $greeting == "* OK"* ]]' \
    "$HOST" "$IMAP_PORT" 2>/dev/null
}

# Sends a MongoDB ping with the project's mongodb driver. On success prints
# "FerretDB vX" or "MongoDB X" from buildInfo. Exits 1 when no server responds
# and 2 when the driver is not installed.
MONGO_PING_JS='
const [repoRoot, uri] = process.argv.slice(1);
let driverPath;
try {
  driverPath = require.resolve("mongodb", { paths: [repoRoot] });
} catch {
  process.exit(2);
}
const { MongoClient } = require(driverPath);
const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
client
  .connect()
  .then(async () => {
    const admin = client.db("admin");
    await admin.command({ ping: 1 });
    const info = await admin.command({ buildInfo: 1 });
    console.log(info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`);
  })
  .then(() => client.close())
  .catch(() => client.close().finally(() => process.exit(1)));
'
mongo_ping() {
  node -e "$MONGO_PING_JS" "$REPO_ROOT" "mongodb://$HOST:$FERRETDB_PORT/"
}

mongo_responds() { mongo_ping >/dev/null 2>&1; }

# Succeeds when $1 is a live process whose command line contains $2.
process_matches() {
  local pid=$1 pattern=$2
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pattern"
}

read_pid() { [[ -f $1 ]] && tr -dc '0-9' <"$1"; }

check_settings() {
  local port
  for port in "$FERRETDB_PORT" "$IMAP_PORT"; do
    [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "invalid port '$port': use a number from 1 to 65535"
  done
  [[ $PG_DATABASE =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] ||
    die "invalid LINIA_PG_DATABASE '$PG_DATABASE': use letters, digits and underscores"
}

# ---------------------------------------------------------------- PostgreSQL

# A PostgreSQL that this script installed gets the machine kind's setup: a
# superuser role root that may connect from 127.0.0.1 without a password.
configure_new_postgres() {
  local version=$1
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  note "creating role root and allowing it on 127.0.0.1 without password ($hba)"
  as_root runuser -u postgres -- psql -qX -c 'CREATE ROLE root SUPERUSER LOGIN' >&2 || true
  if ! as_root grep -q '^host all root 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all root 127.0.0.1/32 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
}

ensure_postgres() {
  local installed=0 version
  if pg_responds; then
    PG_STATE="already running"
  else
    if ! compgen -G '/etc/postgresql/*/main' >/dev/null; then
      apt_install postgresql
      installed=1
    fi
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
    if ! pg_responds; then
      note "starting PostgreSQL $version"
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 9>&- ||
        note "pg_ctlcluster failed, so checking whether PostgreSQL responds anyway"
      wait_until "$START_TIMEOUT" pg_responds ||
        die "PostgreSQL did not respond on $HOST:$PG_PORT within $START_TIMEOUT s; see /var/log/postgresql/"
    fi
    if ((installed)); then
      configure_new_postgres "$version"
    fi
    PG_STATE="started"
  fi

  local psql=(psql -qX -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tA)
  local exists
  exists="$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'")" ||
    die "cannot connect to PostgreSQL as '$PG_USER' on $HOST:$PG_PORT without a password; allow it with 'host all $PG_USER 127.0.0.1/32 trust' in pg_hba.conf"
  if [[ $exists != 1 ]]; then
    note "creating database $PG_DATABASE"
    "${psql[@]}" -c "CREATE DATABASE $PG_DATABASE" >/dev/null
  fi
}

# --------------------------------------------------------------------- Redis

ensure_redis() {
  if redis_responds; then
    REDIS_STATE="already running"
    return
  fi
  if ! command -v redis-server >/dev/null 2>&1; then
    apt_install redis-server
  fi
  # Debian's package may have started its own server during installation.
  if ! redis_responds; then
    note "starting Redis on $HOST:$REDIS_PORT"
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2 9>&-
    wait_until "$START_TIMEOUT" redis_responds ||
      die "Redis did not respond on $HOST:$REDIS_PORT within $START_TIMEOUT s; see /var/log/redis/ci.log"
  fi
  REDIS_STATE="started"
}

# ------------------------------------------------------------------ FerretDB

# The module in the Go proxy lacks build/version/version.txt, and a binary
# built without it panics at start, so the build runs on a copy of the module
# with that file written in.
build_ferretdb() {
  local target=$1 go work module_dir
  go="$(command -v go || true)"
  if [[ -z $go && -x /usr/local/go/bin/go ]]; then
    go=/usr/local/go/bin/go
  fi
  [[ -n $go ]] || die "Go is needed to build FerretDB $FERRETDB_VERSION: install Go 1.24 or newer, or set LINIA_FERRETDB_BIN"

  note "building FerretDB $FERRETDB_VERSION once into $target"
  work="$(mktemp -d)"
  module_dir="$(cd "$work" && "$go" mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [[ -n $module_dir && -d $module_dir ]] || die "go mod download of github.com/FerretDB/FerretDB@$FERRETDB_VERSION gave no module directory"

  cp -R "$module_dir" "$work/src"
  chmod -R u+w "$work/src"
  printf '%s\n' "$FERRETDB_VERSION" >"$work/src/build/version/version.txt"
  mkdir -p "$(dirname "$target")"
  (cd "$work/src" && "$go" build -o "$work/ferretdb" ./cmd/ferretdb) >&2 ||
    die "go build of FerretDB $FERRETDB_VERSION failed (sources left in $work/src)"
  mv "$work/ferretdb" "$target"
  rm -rf "$work"
}

ferretdb_binary() {
  if [[ -n ${LINIA_FERRETDB_BIN:-} ]]; then
    [[ -x $LINIA_FERRETDB_BIN ]] || die "LINIA_FERRETDB_BIN=$LINIA_FERRETDB_BIN is not an executable file"
    printf '%s\n' "$LINIA_FERRETDB_BIN"
    return
  fi
  local cached="$CACHE_DIR/bin/ferretdb-$FERRETDB_VERSION"
  if [[ ! -x $cached ]]; then
    build_ferretdb "$cached"
  fi
  printf '%s\n' "$cached"
}

ferretdb_alive() {
  process_matches "$1" "$FERRETDB_DIR/state"
}

# Prints the PostgreSQL URL, without its parameters, of a FerretDB process on this
# machine that listens on $HOST:$FERRETDB_PORT, e.g. one that another checkout started.
running_ferretdb_postgresql_url() {
  local cmdline arg url=""
  for cmdline in /proc/[0-9]*/cmdline; do
    [[ -r $cmdline ]] || continue
    local -a args=()
    mapfile -d '' -t args <"$cmdline" 2>/dev/null || continue
    [[ ${args[0]:-} == *ferretdb* ]] || continue
    local listens=0 candidate=""
    for arg in "${args[@]}"; do
      [[ $arg == "--listen-addr=$HOST:$FERRETDB_PORT" ]] && listens=1
      [[ $arg == --postgresql-url=* ]] && candidate="${arg#--postgresql-url=}"
    done
    if ((listens)) && [[ -n $candidate ]]; then
      url="${candidate%%\?*}"
      break
    fi
  done
  [[ -n $url ]] && printf '%s\n' "$url"
}

ferretdb_started() {
  ferretdb_alive "$1" && tcp_open "$FERRETDB_PORT"
}

ensure_ferretdb() {
  local pid version ping_status=0
  pid="$(read_pid "$FERRETDB_PID_FILE" || true)"
  if ferretdb_alive "$pid" && ! tcp_open "$FERRETDB_PORT"; then
    note "waiting for the FerretDB of this script (pid $pid) to listen"
    wait_until "$START_TIMEOUT" tcp_open "$FERRETDB_PORT" || true
  fi

  version="$(mongo_ping 2>/dev/null)" || ping_status=$?
  if ((ping_status == 2)); then
    die "the mongodb driver is not installed in $REPO_ROOT/node_modules: run 'npm ci' first"
  fi
  if ((ping_status == 0)); then
    if ferretdb_alive "$pid"; then
      FERRETDB_STATE="$version over $PG_URL; already running, pid $pid"
      FERRETDB_POSTGRESQL_URL="$PG_URL"
    else
      FERRETDB_STATE="$version; already running, not started by this script"
      FERRETDB_POSTGRESQL_URL="$(running_ferretdb_postgresql_url || true)"
    fi
    return
  fi
  if ferretdb_alive "$pid"; then
    note "stopping the FerretDB of this script (pid $pid), which does not respond to a ping"
    stop_process mongodb "$pid" "$FERRETDB_DIR/state"
  fi
  if tcp_open "$FERRETDB_PORT"; then
    die "port $HOST:$FERRETDB_PORT is taken by a server that does not respond to a MongoDB ping: stop it or set LINIA_FERRETDB_PORT"
  fi

  local bin log="$FERRETDB_DIR/ferretdb.log"
  bin="$(ferretdb_binary)"
  # FerretDB caches its statements with the field names as parameters. PostgreSQL's
  # generic plan of such a statement cannot use an index on (_jsonb -> 'field'),
  # so every statement is planned with its parameters (docs/ferretdb.md).
  mkdir -p "$FERRETDB_DIR/state"
  note "starting FerretDB on $HOST:$FERRETDB_PORT (log: $log)"
  setsid "$bin" \
    --handler=postgresql \
    --postgresql-url="$PG_URL?plan_cache_mode=force_custom_plan" \
    --listen-addr="$HOST:$FERRETDB_PORT" \
    --state-dir="$FERRETDB_DIR/state" \
    --telemetry=disable \
    --debug-addr=- \
    --log-level=warn \
    >>"$log" 2>&1 </dev/null 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$FERRETDB_PID_FILE"

  if ! wait_until "$START_TIMEOUT" ferretdb_started "$pid"; then
    tail -n 20 "$log" >&2 || true
    if ferretdb_alive "$pid"; then
      stop_process mongodb "$pid" "$FERRETDB_DIR/state"
    fi
    die "FerretDB did not listen on $HOST:$FERRETDB_PORT within $START_TIMEOUT s; log: $log"
  fi
  version="$(mongo_ping)" || die "FerretDB listens on $HOST:$FERRETDB_PORT but does not respond to a ping; log: $log"
  FERRETDB_STATE="$version over $PG_URL; started, pid $pid"
  FERRETDB_POSTGRESQL_URL="$PG_URL"
}

# ------------------------------------------------------------------- Dovecot

dovecot_binary() {
  command -v dovecot 2>/dev/null || { [[ -x /usr/sbin/dovecot ]] && printf '%s\n' /usr/sbin/dovecot; }
}

# Chooses the folder for Dovecot's config, sockets, state, log and Maildirs
# and records it, so that `stop` finds the PID file later.
choose_dovecot_dir() {
  local dir="$SERVICES_DIR/dovecot"
  local fallback="/tmp/linia-dovecot-$(printf '%s' "$SERVICES_DIR" | cksum | cut -d ' ' -f 1)"
  if ((${#dir} > DOVECOT_MAX_DIR_LENGTH)); then
    note "services dir path too long for Dovecot's sockets: using $fallback"
    dir="$fallback"
  elif [[ $EUID -eq 0 ]] && ! runuser -u nobody -- test -x "$SERVICES_DIR"; then
    # Mail processes run as the user nobody, which must reach its Maildir.
    note "user nobody cannot enter $SERVICES_DIR: using $fallback for Dovecot"
    dir="$fallback"
  fi
  printf '%s\n' "$dir" >"$SERVICES_DIR/dovecot.dir"
  printf '%s\n' "$dir"
}

recorded_dovecot_dir() {
  if [[ -f $SERVICES_DIR/dovecot.dir ]]; then
    cat "$SERVICES_DIR/dovecot.dir"
  else
    printf '%s\n' "$SERVICES_DIR/dovecot"
  fi
}

write_dovecot_config() {
  local dir=$1 mail_uid mail_gid
  local service_users=''
  if [[ $EUID -eq 0 ]]; then
    # Dovecot refuses to run mail processes as root.
    mail_uid="$(id -u nobody)"
    mail_gid="$(id -g nobody)"
  else
    mail_uid="$(id -u)"
    mail_gid="$(id -g)"
    # Without root, every Dovecot process runs as the calling user, which cannot chroot.
    service_users="default_login_user = $(id -un)
default_internal_user = $(id -un)
default_internal_group = $(id -gn)
service anvil {
  chroot =
}
service imap-login {
  chroot =
}"
  fi

  mkdir -p "$dir/run" "$dir/state" "$dir/mail"
  chmod 0755 "$dir" "$dir/run" "$dir/state"
  if [[ $EUID -eq 0 ]]; then
    chown -R "$mail_uid:$mail_gid" "$dir/mail"
  fi
  printf '%s:{PLAIN}%s::::::\n' "$IMAP_USER" "$IMAP_PASSWORD" >"$dir/users"
  chmod 0644 "$dir/users"

  cat >"$dir/dovecot.conf" <<EOF
# Written by scripts/services.sh: a stand-alone Dovecot for Linia's tests and
# demo. It reads nothing from /etc/dovecot and keeps its files in $dir.
instance_name = linia-dev
base_dir = $dir/run
state_dir = $dir/state
log_path = $dir/dovecot.log
$service_users
protocols = imap
listen = $HOST
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = $mail_uid
last_valid_uid = $mail_uid
mail_location = maildir:$dir/mail/%u/Maildir

namespace inbox {
  inbox = yes
  separator = /
}

passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}

userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=$dir/mail/%u
}

service imap-login {
  inet_listener imap {
    address = $HOST
    port = $IMAP_PORT
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
}

process_gone() { ! process_matches "$1" "$2"; }

stop_process() {
  local name=$1 pid=$2 pattern=$3
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$STOP_TIMEOUT" process_gone "$pid" "$pattern"; then
    note "$name (pid $pid) still running after $STOP_TIMEOUT s: sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

ensure_dovecot() {
  local dir pid
  dir="$(recorded_dovecot_dir)"
  pid="$(read_pid "$dir/run/master.pid" || true)"
  if imap_responds; then
    if process_matches "$pid" "$dir/dovecot.conf"; then
      DOVECOT_STATE="already running, pid $pid"
    else
      DOVECOT_STATE="already running, not started by this script"
    fi
    return
  fi
  if tcp_open "$IMAP_PORT"; then
    die "port $HOST:$IMAP_PORT is taken by a server that does not greet as IMAP: stop it or set LINIA_IMAP_PORT"
  fi
  if process_matches "$pid" "$dir/dovecot.conf"; then
    # Ours, but not responding on this port (for example after a port change).
    note "restarting the Dovecot of this script (pid $pid), which does not respond on $HOST:$IMAP_PORT"
    stop_process dovecot "$pid" "$dir/dovecot.conf"
  fi

  local dovecot
  dovecot="$(dovecot_binary || true)"
  if [[ -z $dovecot ]]; then
    apt_install dovecot-imapd
    dovecot="$(dovecot_binary)" || die "dovecot-imapd is installed but the dovecot binary was not found"
  fi

  dir="$(choose_dovecot_dir)"
  write_dovecot_config "$dir"
  note "starting Dovecot on $HOST:$IMAP_PORT (log: $dir/dovecot.log)"
  # Dovecot's master process keeps the descriptors it started with, so it gets a log
  # file instead of our stdout/stderr: a caller reading our output through a pipe
  # would otherwise wait for Dovecot to exit.
  "$dovecot" -c "$dir/dovecot.conf" >>"$dir/dovecot-start.log" 2>&1 </dev/null 9>&- ||
    die "dovecot failed to start; see $dir/dovecot-start.log and $dir/dovecot.log"
  if ! wait_until "$START_TIMEOUT" imap_responds; then
    tail -n 20 "$dir/dovecot.log" >&2 || true
    pid="$(read_pid "$dir/run/master.pid" || true)"
    if process_matches "$pid" "$dir/dovecot.conf"; then
      stop_process dovecot "$pid" "$dir/dovecot.conf"
    fi
    die "Dovecot did not greet on $HOST:$IMAP_PORT within $START_TIMEOUT s; log: $dir/dovecot.log"
  fi
  pid="$(read_pid "$dir/run/master.pid" || true)"
  DOVECOT_STATE="started, pid $pid"
}

# -------------------------------------------------------------------- output

write_env_file() {
  local tmp="$ENV_FILE.tmp.$$"
  cat >"$tmp" <<EOF
# Written by scripts/services.sh: the local servers for Linia's tests and demo.
# Load with: . $ENV_FILE
export MONGODB_URI='$MONGODB_URI'
export REDIS_URL='$REDIS_URL'
export IMAP_HOST='$HOST'
export IMAP_PORT='$IMAP_PORT'
export IMAP_USER='$IMAP_USER'
export IMAP_PASSWORD='$IMAP_PASSWORD'
export IMAP_SECURE='false'
EOF
  if [[ -n "$FERRETDB_POSTGRESQL_URL" ]]; then
    printf "export FERRETDB_POSTGRESQL_URL='%s'\n" "$FERRETDB_POSTGRESQL_URL" >>"$tmp"
  fi
  mv "$tmp" "$ENV_FILE"
}

imap_url() { printf 'imap://%s@%s:%s' "${IMAP_USER/@/%40}" "$HOST" "$IMAP_PORT"; }

start_all() {
  ensure_postgres
  ensure_redis
  ensure_ferretdb
  ensure_dovecot
  write_env_file

  line postgres "$PG_URL" "$PG_STATE"
  line redis "$REDIS_URL" "$REDIS_STATE"
  line mongodb "$MONGODB_URI" "$FERRETDB_STATE"
  line imap "$(imap_url)" "Dovecot, password $IMAP_PASSWORD, no TLS; $DOVECOT_STATE"
  line env "$ENV_FILE" "load with: . $ENV_FILE"
}

stop_one() {
  local name=$1 pid_file=$2 pattern=$3 pid
  pid="$(read_pid "$pid_file" || true)"
  if [[ -z $pid ]]; then
    line "$name" "-" "not started by this script"
  elif ! process_matches "$pid" "$pattern"; then
    rm -f "$pid_file"
    line "$name" "-" "not running; stale PID file removed"
  else
    stop_process "$name" "$pid" "$pattern"
    rm -f "$pid_file"
    line "$name" "-" "stopped, pid $pid"
  fi
}

stop_all() {
  local dovecot_dir
  dovecot_dir="$(recorded_dovecot_dir)"
  stop_one mongodb "$FERRETDB_PID_FILE" "$FERRETDB_DIR/state"
  stop_one imap "$dovecot_dir/run/master.pid" "$dovecot_dir/dovecot.conf"
  line postgres "$PG_URL" "left running: a service of this machine"
  line redis "$REDIS_URL" "left running: a service of this machine"
}

response_word() { if "$@"; then printf 'responding'; else printf 'not responding'; fi; }

status_all() {
  local version
  line postgres "$PG_URL" "$(response_word pg_responds)"
  line redis "$REDIS_URL" "$(response_word redis_responds)"
  if version="$(mongo_ping 2>/dev/null)"; then
    line mongodb "$MONGODB_URI" "responding: $version"
  else
    line mongodb "$MONGODB_URI" "not responding"
  fi
  line imap "$(imap_url)" "$(response_word imap_responds)"
}

main() {
  local command="${1:-start}"
  check_settings
  mkdir -p "$SERVICES_DIR"
  # One run at a time per services dir, so two parallel starts do not both
  # launch a server. Servers started below get `9>&-` so they do not hold the lock.
  exec 9>"$SERVICES_DIR/.lock"
  flock 9

  case "$command" in
    start) start_all ;;
    stop) stop_all ;;
    status) status_all ;;
    imap-start)
      ensure_dovecot
      line imap "$(imap_url)" "Dovecot; $DOVECOT_STATE"
      ;;
    imap-stop) stop_one imap "$(recorded_dovecot_dir)/run/master.pid" "$(recorded_dovecot_dir)/dovecot.conf" ;;
    ferretdb-bin) ferretdb_binary ;;
    -h | --help | help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}" ;;
    *) die "unknown command '$command': use start, stop, status, imap-start, imap-stop or ferretdb-bin" ;;
  esac
}

main "$@"
