#!/usr/bin/env bash
# botbottle/test-httpd: busybox's httpd, for the egress tests' stand-in "internet" servers.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

image=${TEST_HTTPD_IMAGE:-botbottle/test-httpd:busybox}
if image_exists "$image"; then echo "image $image: present"; exit 0; fi
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
busybox_rootfs "$rootfs"
mkdir -p "$rootfs/www"
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/bin' \
  -c 'CMD ["/bin/httpd", "-f", "-v", "-p", "8080", "-h", "/www"]' \
  - "$image" >/dev/null
echo "image $image: built"
