#!/usr/bin/env bash
# Installs what webgpu-nn needs on a fresh machine and builds it: the npm packages, and, where Node can get no
# WebGPU adapter, the Vulkan loader and Mesa's lavapipe software driver (Debian/Ubuntu with apt, as root).
# Idempotent: quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
say() { echo "setup: $*"; }
fail() { echo "setup: $*" >&2; exit 1; }

command -v node >/dev/null || fail "Node.js >= 20 is missing: install it (https://nodejs.org) and run this again."
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || fail "Node.js $(node -v) is too old: webgpu-nn needs Node.js >= 20."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # NOTE: not `npm ci`: vite lists a Windows-only optional package the registry here does not serve, which
  # `npm ci` counts as a lock-file mismatch; `npm install` follows the lock file and skips it.
  say "installing npm packages (npm install, from package-lock.json)"
  npm install --no-audit --no-fund --loglevel=error
fi

if ! node scripts/probe-adapter.mjs >/dev/null 2>&1; then
  say "Node finds no WebGPU adapter; installing the Vulkan loader and Mesa's lavapipe driver"
  [ -f /etc/os-release ] && . /etc/os-release
  command -v apt-get >/dev/null || fail "no WebGPU adapter and no apt-get: install a Vulkan driver (Mesa lavapipe: mesa-vulkan-drivers) with your package manager."
  [ "$(id -u)" = 0 ] || fail "no WebGPU adapter: run this as root (sudo npm run setup) so it can install libvulkan1 and mesa-vulkan-drivers."
  export DEBIAN_FRONTEND=noninteractive
  mesa_target=()
  if [ "${ID:-}" = debian ] && [ "${VERSION_CODENAME:-}" = bookworm ]; then
    # Dawn needs Mesa >= 23; bookworm's own 22.3 lacks shaderUniformBufferArrayDynamicIndexing, backports has 25.x.
    src=/etc/apt/sources.list.d/bookworm-backports.sources
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
      say "adding the bookworm-backports apt source ($src)"
      printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' > "$src"
    fi
    mesa_target=(-t bookworm-backports)
  fi
  apt-get update -qq
  apt-get install -y -qq libvulkan1 >/dev/null
  apt-get install -y -qq "${mesa_target[@]}" mesa-vulkan-drivers >/dev/null
  node scripts/probe-adapter.mjs >/dev/null 2>&1 ||
    fail "installed Mesa's Vulkan driver but Node still finds no WebGPU adapter: check 'vulkaninfo --summary' (package vulkan-tools)."
  say "WebGPU adapter: $(node scripts/probe-adapter.mjs)"
fi

# Fashion-MNIST comes from Debian's dataset-fashion-mnist; optional, so a failure here is only reported.
if [ ! -d /usr/share/datasets/fashion-mnist ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  say "installing Fashion-MNIST (Debian package dataset-fashion-mnist)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; } ||
    say "could not install dataset-fashion-mnist; loadFashionMnist() will need { dir }"
fi

if [ ! -f dist/cli.js ] || [ -n "$(find src bench scripts/build.mjs -newer dist/cli.js -print -quit)" ]; then
  say "building dist/"
  npm run build --silent
fi
