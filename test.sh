#!/usr/bin/env bash
# BotBottle's one test command: installs and starts what the tests need (idempotently), builds the
# local images the tests use when they are absent, then runs every test in the solution.
#
#   ./test.sh                 everything
#   ./test.sh --filter X      passes the filter on to `dotnet test`
set -euo pipefail
cd "$(dirname "$0")"

say() { printf 'test.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# Debian packages the tests need, by the command that shows each is there.
declare -A NEEDED=(
  [dockerd]=docker.io
  [redis-server]=redis-server
  [chromium]=chromium
  [busybox]=busybox-static
  [debootstrap]=debootstrap
  [iptables]=iptables
  [git]=git
  [curl]=curl
  [node]=nodejs
  [npm]=npm
  [runsc]=runsc
)

missing_packages() {
  local cmd
  for cmd in "${!NEEDED[@]}"; do
    command -v "$cmd" >/dev/null 2>&1 || printf '%s\n' "${NEEDED[$cmd]}"
  done
}

install_prerequisites() {
  local missing
  missing=$(missing_packages | sort -u | tr '\n' ' ')
  [ -z "${missing// /}" ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    die "missing: $missing. This script installs them itself only as root on Debian; elsewhere install the equivalents (a Docker engine, Redis server, Chromium, busybox, debootstrap, git, Node.js with npm) and run it again."
  fi
  say "installing $missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

docker_answers() { docker info >/dev/null 2>&1; }

start_docker_engine() {
  docker_answers && return 0
  [ "$(id -u)" -eq 0 ] || die "no Docker engine answers and this is not root: start Docker (or add yourself to the docker group) and run again."
  say "starting dockerd in the background (log: /var/log/botbottle-dockerd.log)"
  nohup dockerd >/var/log/botbottle-dockerd.log 2>&1 &
  local i
  for i in $(seq 1 60); do
    docker_answers && return 0
    sleep 1
  done
  tail -n 20 /var/log/botbottle-dockerd.log >&2 || true
  die "dockerd did not answer within 60 s"
}

# gVisor's runsc as a Docker runtime, for the gvisor backend: with no network device in the sandbox
# (bottles reach their sidecar through a Unix socket, which --host-uds=open lets them connect to).
# Registered in daemon.json and picked up with a reload (SIGHUP), never a restart of the engine.
GVISOR_RUNTIME='"runsc":{"path":"/usr/bin/runsc","runtimeArgs":["--network=none","--host-uds=open"]}'
register_gvisor() {
  docker info --format '{{json .Runtimes}}' 2>/dev/null | grep -q '"runsc"' && return 0
  [ "$(id -u)" -eq 0 ] || die "the engine has no runsc runtime and this is not root: register gVisor as README.md says (Backends) and run again."
  local config=/etc/docker/daemon.json
  mkdir -p /etc/docker
  if [ ! -s "$config" ] || [ "$(tr -d ' \n\t' <"$config")" = "{}" ]; then
    printf '{"runtimes":{%s}}\n' "$GVISOR_RUNTIME" >"$config"
  else
    command -v python3 >/dev/null 2>&1 || die "$config exists and python3, which this script merges it with, is missing: add the runsc runtime to it as README.md says and run again."
    python3 - "$config" "{$GVISOR_RUNTIME}" <<'PY'
import json, sys
path, runtime = sys.argv[1], json.loads(sys.argv[2])
with open(path) as f:
    config = json.load(f)
config.setdefault("runtimes", {}).update(runtime)
with open(path, "w") as f:
    json.dump(config, f, indent=2)
PY
  fi
  say "registering gVisor (runsc) with the Docker engine: $config, then a reload"
  kill -HUP "$(pidof dockerd)"
  local i
  for i in $(seq 1 50); do
    docker info --format '{{json .Runtimes}}' | grep -q '"runsc"' && return 0
    sleep 0.2
  done
  die "dockerd did not pick up the runsc runtime from $config after a reload (SIGHUP); see its log"
}

build_images() {
  local script
  for script in build/images/*.sh; do
    [ "$(basename "$script")" = lib.sh ] && continue
    "$script"
  done
}

command -v dotnet >/dev/null 2>&1 || die "the .NET 10 SDK is missing: install it from https://dot.net and run again."
install_prerequisites
start_docker_engine
register_gvisor
build_images

# The failures, last: whoever reads only the end of the output (a CI page) sees which tests failed
# and why, not the tail of whichever project happened to finish last.
summarize_failures() {
  local log=$1
  grep -q -E '^\s+Failed [A-Za-z_]' "$log" || return 0
  say "failed tests, with their messages (whole log: $log):"
  awk '
    /^[[:space:]]+Failed [A-Za-z_]/ { show = 1; lines = 0 }
    /^[[:space:]]+Passed [A-Za-z_]|^[[:space:]]+Skipped [A-Za-z_]|^\[xUnit/ { show = 0 }
    show && lines < 25 { print; lines++ }
  ' "$log" >&2
}

say "running the tests"
export BOTBOTTLE_CHROMIUM=${BOTBOTTLE_CHROMIUM:-/usr/bin/chromium}
mkdir -p TestResults
log=TestResults/test.log
status=0
dotnet test BotBottle.sln --logger "console;verbosity=normal" --results-directory TestResults "$@" 2>&1 | tee "$log" || status=$?
summarize_failures "$log"
exit "$status"
