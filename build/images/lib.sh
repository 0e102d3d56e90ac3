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

# build_npm_agent_image IMAGE LATEST_TAG PACKAGE@VERSION [docker import -c CHANGE ...]
# The agent base plus Node.js and one npm-installed agent CLI, pinned, as one flat imported image
# labelled with the base's id: a present image built on the current base is reused, one built on an
# older base is rebuilt. CHANGEs (ENV lines) are added to the image's config.
build_npm_agent_image() {
  local image=$1 latest=$2 package=$3; shift 3
  local base=${AGENT_BASE_IMAGE:-botbottle/agent-base:bookworm} here work container base_id change
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
  "$here/agent-base.sh" >/dev/null
  base_id=$(image_id "$base")
  if [ "$(image_label "$image" io.botbottle.base)" = "$base_id" ]; then echo "image $image: present"; return 0; fi
  command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed to build $image" >&2; return 1; }

  echo "image $image: installing $package"
  work=$(mktemp -d)
  # Pinned: unpinned, npm on node 20 quietly picks an older release.
  npm install --global --prefix "$work/usr/local" --no-audit --no-fund --loglevel=error "$package" >/dev/null
  copy_binary_with_libs "$work" "$(readlink -f "$(command -v node)")"
  mkdir -p "$work/usr/local/bin"
  ln -sf "$(readlink -f "$(command -v node)")" "$work/usr/local/bin/node"

  # Layer the additions over the base by exporting it, so the result is one flat imported image.
  container=$(docker create "$base" /bin/true)
  docker export "$container" | tar -C "$work" -x --skip-old-files
  docker rm "$container" >/dev/null
  local changes=(
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    -c 'ENV HOME=/home/agent'
    -c 'USER agent'
    -c 'WORKDIR /home/agent/workspace'
    -c "LABEL io.botbottle.base=$base_id")
  for change in "$@"; do changes+=(-c "$change"); done
  tar -C "$work" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  rm -rf "$work"
  docker tag "$image" "$latest"
  echo "image $image: built"
}
