# Sourced by scripts/test and scripts/start: makes sure this machine has what Pyrometer
# needs (Node 24, pnpm pinned, the workspace's packages, the Debian packages that the
# interop tests start) and puts them on PATH. Safe to run again: it installs only what is
# missing.
set -euo pipefail

PYROMETER_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NODE24_PREFIX="${NODE24_PREFIX:-$HOME/.node24}"
PNPM_VERSION=12.4.2

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# A plain `npm i -g node@24` would collide with the system's /usr/bin/node, so Node 24 goes
# into a prefix of its own that comes first on PATH.
if [ "$(node_major node)" -lt 24 ]; then
  if [ "$(node_major "$NODE24_PREFIX/bin/node")" -lt 24 ]; then
    echo "setup: installing Node 24 into $NODE24_PREFIX" >&2
    npm i -g --prefix "$NODE24_PREFIX" node@24 >&2
  fi
  export PATH="$NODE24_PREFIX/bin:$PATH"
fi

if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION into $NODE24_PREFIX" >&2
  npm i -g --prefix "$NODE24_PREFIX" "pnpm@$PNPM_VERSION" >&2
  export PATH="$NODE24_PREFIX/bin:$PATH"
fi

# Debian packages the interop tests start (real Prometheus, Alertmanager, node_exporter,
# dnsmasq), one a line in scripts/apt-packages.txt.
missing=()
while read -r pkg; do
  [ -z "$pkg" ] || [ "${pkg#\#}" != "$pkg" ] && continue
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < "$PYROMETER_ROOT/scripts/apt-packages.txt"
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    # The tests start these programs themselves on loopback ports: keep Debian from starting
    # them as services (policy-rc.d exit 101 = "not allowed").
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && own_policy=true
    fi
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    if [ "$own_policy" = true ]; then rm -f "$policy"; fi
  else
    echo "setup: missing Debian packages (install them to run the interop tests): ${missing[*]}" >&2
  fi
fi

cd "$PYROMETER_ROOT"
pnpm install --frozen-lockfile --reporter=silent >&2
