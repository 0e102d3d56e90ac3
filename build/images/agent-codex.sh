#!/usr/bin/env bash
# botbottle/agent-codex: the agent base plus Node.js and the real OpenAI Codex CLI, pinned (its npm
# package carries the native, statically linked binary). Rebuilt when the base it was built on changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

version=${CODEX_VERSION:-0.169.0}
# CODEX_HOME is where Codex keeps its sessions and config; BotBottle writes the model provider there.
build_npm_agent_image "${AGENT_CODEX_IMAGE:-botbottle/agent-codex:$version}" botbottle/agent-codex:latest \
  "@openai/codex@$version" \
  'ENV CODEX_HOME=/home/agent/.codex'
