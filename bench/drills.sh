#!/usr/bin/env bash
# BotBottle's fault drills: each breaks the real stack (Worker, Redis, Web, Docker engine) in the middle
# of real work and checks that nothing ran twice and nothing was lost. Not tests: they restart dockerd
# and take minutes. Results go to artifacts/bench/drills.md and are appended to artifacts/bench/results.md.
#   bench/drills.sh                      every drill
#   bench/drills.sh --drill partition    one of: worker-kill partition redis-restart web-restart dockerd-restart pr-storm launch-burst
# Needs a Docker engine and the local images (./test.sh builds them), redis-server and chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
docker info >/dev/null 2>&1 || { echo "drills: no Docker engine answers; run ./test.sh once (it starts one) or start Docker" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "drills: redis-server is missing; ./test.sh installs it" >&2; exit 1; }
for script in build/images/*.sh; do [ "$(basename "$script")" = lib.sh ] || "$script"; done
export BOTBOTTLE_CHROMIUM=${BOTBOTTLE_CHROMIUM:-/usr/bin/chromium}
mkdir -p artifacts/bench
dotnet run -c Release --project bench/BotBottle.Bench -- --suite drills --out artifacts/bench/drills.md "$@"
{ printf '\n'; cat artifacts/bench/drills.md; } >> artifacts/bench/results.md
grep -q "All drills ended with 0 lost" artifacts/bench/drills.md
