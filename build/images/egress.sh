#!/usr/bin/env bash
# botbottle/egress: Debian's Squid, the egress proxy sidecar every bottle gets; the OpenSSL build
# (squid-openssl), which can inspect TLS when that is turned on. A minimal bookworm root filesystem
# (debootstrap minbase plus squid); the Worker writes squid.conf, the allowlist and the credential
# patterns into each sidecar, so the image carries no policy of its own.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

image=${EGRESS_IMAGE:-botbottle/egress:squid-5.7-r3}
if image_exists "$image"; then echo "image $image: present"; exit 0; fi

echo "image $image: debootstrap bookworm with squid (about a minute)"
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase --include=squid-openssl,ca-certificates bookworm "$rootfs" \
  "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
# The Debian package's own configuration is replaced per bottle; keep only the error pages.
rm -f "$rootfs"/etc/squid/squid.conf
install -d -o 13 -g 13 "$rootfs"/etc/squid/botbottle "$rootfs"/var/spool/squid "$rootfs"/run/squid
install -m 0755 "$here/egress/secret-scan" "$rootfs"/usr/local/bin/botbottle-secret-scan
install -m 0755 "$here/egress/start" "$rootfs"/usr/local/bin/botbottle-egress-start
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'USER proxy' \
  -c 'CMD ["/usr/local/bin/botbottle-egress-start"]' \
  - "$image" >/dev/null
echo "image $image: built"
