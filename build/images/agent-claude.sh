#!/usr/bin/env bash
# botbottle/agent-claude: the agent base plus Node.js and the real Claude Code CLI, pinned.
# Built offline from the host's node and an npm install, then `docker import`ed; rebuilt when the
# base it was built on changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

version=${CLAUDE_CODE_VERSION:-2.1.331}
build_npm_agent_image "${AGENT_CLAUDE_IMAGE:-botbottle/agent-claude:$version}" botbottle/agent-claude:latest \
  "@anthropic-ai/claude-code@$version" \
  'ENV CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1' \
  'ENV DISABLE_AUTOUPDATER=1'
