#!/usr/bin/env bash
# Installs, from Debian's archive, what building, trying and testing BccShield needs.
# Usage: scripts/install-deps.sh [build|try|test]   (each includes the ones before it)
set -euo pipefail
level=${1:-test}

build=(cmake make g++ pkg-config nlohmann-json3-dev libboost-program-options-dev libsodium-dev
       libidn2-dev libpsl-dev zip)
try=(thunderbird xvfb xauth python3-aiosmtpd)
test=(libgtest-dev libgmock-dev libbenchmark-dev libgmime-3.0-dev thunderbird-l10n-fr
      clang clang-format libclang-rt-14-dev valgrind node-acorn emscripten rpm lintian
      libxml2-utils imagemagick)

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
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#wanted[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
