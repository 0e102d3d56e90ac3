#!/usr/bin/env bash
# BotBottle's benchmarks: each figure is a ratio against a baseline measured in the same run.
#   bench/run.sh [--suite all|bottles|dashboard|webhooks|egress] [--requests 300] [--rows 10] [--launches 15] [--bottles 200] [--rate 500] [--seconds 20]
# Needs a Docker engine and the local images (./test.sh builds them).
set -euo pipefail
cd "$(dirname "$0")/.."
docker info >/dev/null 2>&1 || { echo "bench: no Docker engine answers; run ./test.sh once (it starts one) or start Docker" >&2; exit 1; }
for script in build/images/*.sh; do [ "$(basename "$script")" = lib.sh ] || "$script"; done
dotnet run -c Release --project bench/BotBottle.Bench -- --out artifacts/bench/results.md "$@"
