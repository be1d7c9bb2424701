#!/bin/sh
# Fetch the Debian source packages of libidn2 and libpsl for the Emscripten (Outlook) build of
# the core. The versions fetched are those of the installed -dev packages, so the JavaScript
# engine and the native host run the very same library code (verdict parity).
#
# Needs a deb-src entry for the release (see docs/ADMIN-outlook.md, "Building"), e.g.
#   /etc/apt/sources.list.d/debian-src.sources:
#     Types: deb-src
#     URIs: http://deb.debian.org/debian
#     Suites: bookworm bookworm-updates
#     Components: main
#     Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
# and `apt-get update`. apt verifies the downloads against the signed Sources index.
#
# Usage: scripts/outlook-fetch-deps.sh DEST_DIR
set -eu

dest=${1:?usage: $0 DEST_DIR}
mkdir -p "$dest"
cd "$dest"

src_version() {
  dpkg-query -W -f='${source:Version}' "$1" 2>/dev/null || true
}

for pkg in libidn2:libidn2-dev libpsl:libpsl-dev; do
  source=${pkg%%:*}
  binary=${pkg#*:}
  version=$(src_version "$binary")
  if [ -z "$version" ]; then
    echo "outlook-fetch-deps: $binary is not installed (apt-get install $binary)" >&2
    exit 1
  fi
  upstream=${version%-*}
  upstream=${upstream#*:}
  if ls "${source}_${upstream}".orig.tar.* >/dev/null 2>&1; then
    echo "outlook-fetch-deps: ${source} ${version} already present"
    continue
  fi
  if ! apt-get source --download-only "${source}=${version}"; then
    echo "outlook-fetch-deps: cannot download the source of ${source}=${version}." >&2
    echo "  Add a deb-src entry for your Debian release and run apt-get update." >&2
    exit 1
  fi
done
ls -1 "$dest"
