#!/usr/bin/env bash
# botbottle/egress: Debian's Squid, the egress proxy sidecar every bottle gets; the OpenSSL build
# (squid-openssl), which can inspect TLS when that is turned on, and BotBottle's credential scanner
# (src/BotBottle.Egress.Scanner, an ICAP service Squid hands every request to), published
# self-contained, and iptables for the sidecar's own packet filter (set as root at start, then
# every privilege is dropped: see egress/start). Two steps: a base of a minimal bookworm root filesystem with squid (debootstrap,
# built once), then the scanner and the entry point on top, rebuilt whenever their source changes
# (the image carries a hash of it). The Worker writes squid.conf and the credential patterns into
# each sidecar, so the image carries no policy of its own.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

base=botbottle/egress-base:squid-5.7-r3
image=${EGRESS_IMAGE:-botbottle/egress:squid-5.7-r5}

source_hash=$(cd "$repo" && find src/BotBottle.Egress.Scanner build/images/egress build/images/egress.sh -type f \
    -not -path '*/bin/*' -not -path '*/obj/*' | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
built_from=$(docker image inspect -f '{{index .Config.Labels "io.botbottle.source"}}' "$image" 2>/dev/null || true)
if [ "$built_from" = "$source_hash" ]; then echo "image $image: present"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! image_exists "$base"; then
  echo "image $base: debootstrap bookworm with squid (about a minute)"
  rootfs="$work/rootfs"
  mkdir "$rootfs"
  debootstrap --variant=minbase --include=squid-openssl,ca-certificates,iptables,socat bookworm "$rootfs" \
    "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  # The Debian package's own configuration is replaced per bottle; keep only the error pages.
  rm -f "$rootfs"/etc/squid/squid.conf
  install -d -o 13 -g 13 "$rootfs"/etc/squid/botbottle "$rootfs"/var/spool/squid "$rootfs"/run/squid
  tar -C "$rootfs" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$base" >/dev/null
  rm -rf "$rootfs"
fi

echo "image $image: publishing the credential scanner and adding it to $base"
# Precompiled (ReadyToRun): every sidecar starts its own scanner, and without it the JIT made each
# start take about 350 ms of CPU instead of 80, which a burst of launches on a small host feels.
if ! dotnet publish "$repo/src/BotBottle.Egress.Scanner" -c Release -r linux-x64 --self-contained \
  -p:PublishTrimmed=true -p:PublishSingleFile=true -p:PublishReadyToRun=true -o "$work/scanner" --nologo -v quiet >"$work/publish.log" 2>&1; then
  cat "$work/publish.log" >&2
  echo "image $image: publishing the credential scanner failed (above)" >&2
  exit 1
fi
install -m 0755 "$work/scanner/botbottle-egress-scanner" "$work/botbottle-egress-scanner"
install -m 0755 "$here/egress/start" "$work/botbottle-egress-start"
install -m 0755 "$here/egress/serve" "$work/botbottle-egress-serve"
install -m 0755 "$here/egress/reconfigure" "$work/botbottle-egress-reconfigure"
container=$(docker create "$base" /bin/true)
docker cp "$work/botbottle-egress-scanner" "$container:/usr/local/bin/botbottle-egress-scanner"
docker cp "$work/botbottle-egress-start" "$container:/usr/local/bin/botbottle-egress-start"
docker cp "$work/botbottle-egress-serve" "$container:/usr/local/bin/botbottle-egress-serve"
docker cp "$work/botbottle-egress-reconfigure" "$container:/usr/local/bin/botbottle-egress-reconfigure"
docker commit \
  -c 'USER root' \
  -c 'CMD ["/usr/local/bin/botbottle-egress-start"]' \
  -c "LABEL io.botbottle.source=$source_hash" \
  "$container" "$image" >/dev/null
docker rm "$container" >/dev/null
echo "image $image: built"
