#!/usr/bin/env bash
# botbottle/agent-claude: the agent base plus Node.js and the real Claude Code CLI, pinned.
# Built offline from the host's node and an npm install, then `docker import`ed; rebuilt when the
# base it was built on changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

claude_version=${CLAUDE_CODE_VERSION:-2.1.331}
base=${AGENT_BASE_IMAGE:-botbottle/agent-base:bookworm}
image=${AGENT_CLAUDE_IMAGE:-botbottle/agent-claude:$claude_version}
"$here/agent-base.sh" >/dev/null
base_id=$(image_id "$base")
if [ "$(image_label "$image" io.botbottle.base)" = "$base_id" ]; then echo "image $image: present"; exit 0; fi
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed to build $image" >&2; exit 1; }

echo "image $image: installing @anthropic-ai/claude-code@$claude_version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Pinned: unpinned, npm on node 20 quietly picks an older release.
npm install --global --prefix "$work/usr/local" --no-audit --no-fund --loglevel=error \
  "@anthropic-ai/claude-code@$claude_version" >/dev/null
copy_binary_with_libs "$work" "$(readlink -f "$(command -v node)")"
mkdir -p "$work/usr/local/bin"
ln -sf "$(readlink -f "$(command -v node)")" "$work/usr/local/bin/node"

# Layer the additions over the base by exporting it, so the result is one flat imported image.
container=$(docker create "$base" /bin/true)
docker export "$container" | tar -C "$work" -x --skip-old-files
docker rm "$container" >/dev/null
tar -C "$work" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV HOME=/home/agent' \
  -c 'ENV CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1' \
  -c 'ENV DISABLE_AUTOUPDATER=1' \
  -c 'USER agent' \
  -c 'WORKDIR /home/agent/workspace' \
  -c "LABEL io.botbottle.base=$base_id" \
  - "$image" >/dev/null
docker tag "$image" botbottle/agent-claude:latest
echo "image $image: built"
