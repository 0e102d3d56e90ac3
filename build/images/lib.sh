# Shared helpers for building BotBottle's local images without a registry.
# Sourced by the per-image scripts; each image is built once and reused while its tag exists.

# image_exists NAME:TAG -> 0 when the engine already has it.
image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

# image_label NAME:TAG KEY -> the image's label KEY, empty when the image or the label is missing.
image_label() { docker image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# image_id NAME:TAG -> the image's id, empty when it is missing.
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

# copy_binary_with_libs ROOTFS BINARY: the binary and every library ldd lists, at the same paths.
copy_binary_with_libs() {
  local rootfs=$1 bin=$2 lib
  install -D "$bin" "$rootfs$bin"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*' | sort -u); do
    [ -e "$rootfs$lib" ] || install -D "$lib" "$rootfs$lib"
  done
}

# busybox_rootfs ROOTFS: a minimal userland (sh, ls, cat, ...) from Debian's static busybox.
busybox_rootfs() {
  local rootfs=$1 applet
  install -D /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
  done
  mkdir -p "$rootfs/tmp" "$rootfs/etc" "$rootfs/data"
  chmod 1777 "$rootfs/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
  echo 'root:x:0:' > "$rootfs/etc/group"
}
