#!/usr/bin/env bash
# Installs, from Debian's archive, what building, trying and testing BccShield needs.
# Usage: scripts/install-deps.sh [build|try|test]   (each includes the ones before it)
set -euo pipefail
level=${1:-test}

build=(cmake make g++ pkg-config nlohmann-json3-dev rapidjson-dev libboost-program-options-dev libsodium-dev
       libidn2-dev libpsl-dev libunistring-dev zip)  # libunistring-dev: its .a, for BCCSHIELD_STATIC_DEPS
try=(thunderbird xvfb xauth python3-aiosmtpd)
test=(libgtest-dev libgmock-dev libbenchmark-dev libgmime-3.0-dev thunderbird-l10n-fr
      clang clang-format libclang-rt-14-dev valgrind node-acorn emscripten rpm lintian
      libxml2-utils imagemagick publicsuffix dpkg-dev)

wanted=("${build[@]}")
[ "$level" = try ] || [ "$level" = test ] && wanted+=("${try[@]}")
[ "$level" = test ] && wanted+=("${test[@]}")

missing=()
# Node.js may come from elsewhere than Debian (with its own npm): only install it when absent.
if [ "$level" != build ] && ! command -v node >/dev/null; then missing+=(nodejs); fi
if [ "$level" = test ] && ! command -v npm >/dev/null; then missing+=(npm); fi
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# The Outlook engine compiles Debian's own libidn2 and libpsl sources with Emscripten:
# that needs a deb-src entry (the same archive as the binary packages).
sources_added=0
if [ "$level" = test ] && ! grep -rqs '^Types:.*deb-src\|^deb-src ' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "install-deps: adding a deb-src entry for Debian's source packages"
  printf '%s\n' 'Types: deb-src' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm bookworm-updates' \
    'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' |
    $SUDO tee /etc/apt/sources.list.d/bccshield-deb-src.sources >/dev/null
  sources_added=1
fi
if [ "$sources_added" = 1 ] && [ ${#missing[@]} -eq 0 ]; then $SUDO apt-get update -qq; fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
