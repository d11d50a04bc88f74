#!/usr/bin/env bash
# Builds krm's container image from the repository's Dockerfile with buildah — no Docker engine,
# no overlayfs, no user namespaces (vfs storage, chroot isolation, host network):
#   1. a local base image in place of node:24-bookworm-slim: a Debian bookworm root filesystem
#      from mmdebstrap (minbase, without docs, man pages and locales), the Node 24 binary that
#      `npm ci` installed here (npm package `node`), npm (npm package `npm`), and this machine's
#      CA file (`npm config get cafile`) with a global npmrc naming it, so npm inside the build
#      trusts the registry exactly as npm here does;
#   2. `buildah bud --build-arg NODE_IMAGE=<that base> .`, tagged krm:<package.json version>
#      (the image deploy/kustomization.yaml names).
# Each image carries the hash of its inputs as a label and is rebuilt only when that changes:
# the base when its recipe (build_base below), the Node version or the CA file change; krm's
# image when the base, the Dockerfile, .dockerignore or anything the Dockerfile copies (the
# lockfile, the sources; not what .dockerignore leaves out) change. The base is put together
# in a scratch folder under ${KRM_CACHE_DIR:-~/.cache/krm}/image.
# Storage: buildah's default location with the driver $STORAGE_DRIVER, vfs when unset (every
# buildah command that looks at these images needs `--storage-driver vfs` too).
# Prints one line of JSON on stdout: {"image": ..., "id": ..., "storageDriver": ...}.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=${STORAGE_DRIVER:-vfs}
cache=${KRM_CACHE_DIR:-$HOME/.cache/krm}/image
suite=bookworm
npm_spec=npm@11
label=dev.krm.inputs

bh() { buildah --storage-driver "$driver" "$@"; }
step() { printf '\n== %s\n' "$*" >&2; }
for tool in buildah mmdebstrap; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "build-image: $tool is missing (Debian package $tool; scripts/setup.sh installs it)" >&2
    exit 1
  }
done
node=node_modules/node/bin/node
[ -x "$node" ] || { echo "build-image: $node is missing; run npm ci first" >&2; exit 1; }
image=localhost/krm:$("$node" -p 'require("./package.json").version')

# label_of IMAGE: the inputs hash an image was built from; empty when there is no such image.
label_of() {
  bh inspect --type image --format "{{index .OCIv1.Config.Labels \"$label\"}}" "$1" 2>/dev/null || true
}
# id_of IMAGE: its image id; empty when there is no such image.
id_of() { bh inspect --type image --format '{{.FromImageID}}' "$1" 2>/dev/null || true; }
sha() { sha256sum | cut -c1-64; }

# 1. The base image. build_base BASE INPUTS: builds it in a scratch folder under the cache.
build_base() {
  local work stage container old
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/base.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  stage=$work/stage
  mkdir -p "$stage/usr/local/bin" "$stage/usr/local/lib/node_modules" "$stage/usr/local/etc"
  cp "$node" "$stage/usr/local/bin/node"
  (cd "$work" && npm pack --silent "$npm_spec" >/dev/null)
  tar -C "$stage/usr/local/lib/node_modules" -xzf "$work"/npm-*.tgz
  mv "$stage/usr/local/lib/node_modules/package" "$stage/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/usr/local/bin/npx"
  if [ -n "$cafile" ]; then
    mkdir -p "$stage/usr/local/share/ca-certificates"
    cp "$cafile" "$stage/usr/local/share/ca-certificates/build-ca.crt"
    echo "cafile=/usr/local/share/ca-certificates/build-ca.crt" >"$stage/usr/local/etc/npmrc"
  fi
  echo "update-notifier=false" >>"$stage/usr/local/etc/npmrc"
  # Slim like Debian's -slim images: no documentation, man pages or translations.
  mmdebstrap --variant=minbase --format=tar --quiet \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="tar -C '$stage' -c . | tar -C \"\$1\" -x --no-same-owner" \
    "$suite" "$work/rootfs.tar" >&2
  container=$(bh from --quiet scratch)
  bh add --quiet "$container" "$work/rootfs.tar" / >/dev/null
  bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env NODE_VERSION="${node_version#v}" --cmd node --label "$label=$2" "$container"
  bh commit --quiet --rm "$container" "$1" >/dev/null
  rm -rf "$work"
  trap - EXIT
  # Base images built from older inputs are not used any more (vfs keeps full copies).
  for old in $(bh images --noheading --format '{{.Name}}:{{.Tag}}' | grep "^localhost/krm-node-base:"); do
    [ "$old" = "$1" ] || bh rmi "$old" >/dev/null 2>&1 || true
  done
}
cafile=$(npm config get cafile)
[ "$cafile" != null ] && [ -n "$cafile" ] && [ -f "$cafile" ] || cafile=""
node_version=$("$node" --version)
# Inputs: the recipe above, the Node version, Debian's suite, npm's version range, the CA file.
base_inputs=$(
  {
    declare -f build_base
    echo "$node_version $suite $npm_spec"
    [ -z "$cafile" ] || sha256sum <"$cafile"
  } | sha
)
base=localhost/krm-node-base:${node_version#v}-${base_inputs:0:12}
if [ "$(label_of "$base")" != "$base_inputs" ]; then
  step "base image $base (mmdebstrap $suite + Node $node_version + $npm_spec)"
  build_base "$base" "$base_inputs"
fi
base_id=$(id_of "$base")

# 2. krm's image: the hash covers the base and every file the Dockerfile copies.
mapfile -t copied < <(awk '$1 == "COPY" && !/--from=/ { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' Dockerfile)
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # .dockerignore's patterns as git exclude pathspecs, so that, say, a changed *.test.ts file
  # (never sent to the build) does not rebuild the image; none if it has `!` exceptions.
  mapfile -t ignored < <(grep -v -e '^#' -e '^[[:space:]]*$' .dockerignore | sed 's/^/:(exclude,glob)/')
  grep -q '^!' .dockerignore && ignored=()
  list_files() { git ls-files -co --exclude-standard -- "$@" "${ignored[@]}"; }
else
  list_files() { find "$@" -type f; }
fi
image_inputs=$(
  {
    echo "$base_id"
    sha256sum Dockerfile .dockerignore
    list_files "${copied[@]}" | LC_ALL=C sort | xargs -d '\n' sha256sum
  } | sha
)
if [ "$(label_of "$image")" != "$image_inputs" ]; then
  step "image $image (buildah bud on $base)"
  started=$(date +%s)
  previous=$(id_of "$image")
  bh bud --quiet --isolation chroot --build-arg NODE_IMAGE="$base" --label "$label=$image_inputs" \
    --tag "$image" . >&2
  # The previous build of the same tag is now unnamed: drop it (vfs keeps full copies).
  [ -z "$previous" ] || bh rmi "$previous" >/dev/null 2>&1 || true
  echo "built $image in $(($(date +%s) - started))s" >&2
fi
id=$(id_of "$image")
printf '{"image":"%s","id":"%s","storageDriver":"%s"}\n' "$image" "$id" "$driver"
