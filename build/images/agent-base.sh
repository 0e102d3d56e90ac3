#!/usr/bin/env bash
# botbottle/agent-base: a minimal Debian bookworm root filesystem (debootstrap minbase, plus git,
# CA certificates, ripgrep (agents search with it; OpenCode would otherwise download it), and
# socat and iproute2 for the gVisor backend: socat relays the bottle's loopback
# proxy ports to the Unix socket that leads to its egress sidecar) with a non-root `agent` user
# (uid 1000). Every agent image starts from it. Rebuilt when its revision (what it includes) changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

image=${AGENT_BASE_IMAGE:-botbottle/agent-base:bookworm}
revision=3
if [ "$(image_label "$image" io.botbottle.revision)" = "$revision" ]; then echo "image $image: present"; exit 0; fi

echo "image $image: debootstrap bookworm (about 30 s)"
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=ca-certificates,git,procps,ripgrep,socat,iproute2 bookworm "$rootfs" \
  "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
# Trim what an agent never reads, to keep the image small.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
chroot "$rootfs" /usr/sbin/groupadd --gid 1000 agent
chroot "$rootfs" /usr/sbin/useradd --uid 1000 --gid 1000 --create-home --home-dir /home/agent --shell /bin/bash agent
mkdir -p "$rootfs/home/agent/workspace"
chown -R 1000:1000 "$rootfs/home/agent"
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV HOME=/home/agent' \
  -c 'USER agent' \
  -c 'WORKDIR /home/agent/workspace' \
  -c "LABEL io.botbottle.revision=$revision" \
  - "$image" >/dev/null
echo "image $image: built"
