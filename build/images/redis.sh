#!/usr/bin/env bash
# The Redis image Aspire's AddRedis asks for (docker.io/library/redis:8.6), built offline from
# Debian's redis-server plus busybox so `dotnet run --project src/BotBottle.AppHost` works on a
# machine with no registry. On a normal machine Docker pulls the real image and this never runs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

image=${REDIS_IMAGE:-redis:8.6}
if image_exists "$image"; then echo "image $image: present"; exit 0; fi

echo "image $image: building from Debian's redis-server"
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
busybox_rootfs "$rootfs"
copy_binary_with_libs "$rootfs" "$(command -v redis-server)"
ln -s "$(command -v redis-server)" "$rootfs/bin/redis-server" 2>/dev/null || true
echo 'redis:x:999:999::/data:/bin/sh' >> "$rootfs/etc/passwd"
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'WORKDIR /data' \
  -c 'EXPOSE 6379' \
  -c 'CMD ["redis-server"]' \
  - "$image" >/dev/null
echo "image $image: built"
