#!/usr/bin/env bash
# botbottle/agent-opencode: the agent base plus Node.js and the real OpenCode CLI, pinned (its npm
# package carries the native binary). Rebuilt when the base it was built on changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

version=${OPENCODE_VERSION:-1.18.33}
# No models.dev download and no self-update: a bottle reaches only its allowlist, and the provider
# and model come from the opencode.json BotBottle writes at launch.
build_npm_agent_image "${AGENT_OPENCODE_IMAGE:-botbottle/agent-opencode:$version}" botbottle/agent-opencode:latest \
  "opencode-ai@$version" \
  'ENV OPENCODE_DISABLE_MODELS_FETCH=1' \
  'ENV OPENCODE_DISABLE_AUTOUPDATE=1' \
  'ENV OPENCODE_DISABLE_LSP_DOWNLOAD=true'
