#!/usr/bin/env bash
# Cross-builds the Windows host on Debian 12: build/windows/bccshield-host.exe (x86-64, one
# self-contained file importing only Windows system DLLs), then the MSI (build_msi, at the end).
#
# Dependencies come from Debian's own source packages (apt-get source, Debian's patches applied
# by dpkg-source), pinned below by version and SHA-256, cross-built static into
# build/windows/deps/prefix once: a later run finds their stamps and only rebuilds the host.
#
# Usage: scripts/build-windows.sh [--no-msi] [--deps-only]     (HACKING.md, "Windows")
# Tests: scripts/test-windows.sh, after this script.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/windows
DEPS=$OUT/deps
SRC=$DEPS/src
WORK=$DEPS/work
PREFIX=$DEPS/prefix
HOST_TRIPLE=x86_64-w64-mingw32
JOBS=${JOBS:-2}
NICE="nice -n 5"
WITH_MSI=1
DEPS_ONLY=0
for arg in "$@"; do
  case $arg in
    --no-msi) WITH_MSI=0 ;;
    --deps-only) DEPS_ONLY=1 ;;  # the cached dependencies only (CI may cache build/windows/deps)
    *) echo "usage: $0 [--no-msi] [--deps-only]" >&2; exit 2 ;;
  esac
done

say() { echo "=== build-windows $(date -u +%T) $*"; }

# --- pins: Debian 12 (bookworm) source packages, and the files apt-get source fetches ----------
# The same versions as the build machine's -dev packages, so the Windows host decides exactly as
# the Linux one (the golden vectors are compared byte for byte under Wine).
PACKAGES=(libsodium=1.0.18-1+deb12u1 libidn2=2.3.3-1 libpsl=0.21.2-1 boost1.74=1.74.0+ds1-21)
PINNED_SHA256="
2c23c57b5a9385dab5a1916014c9b5f2cdd7dadeb8a35b28c1bfb603ce7095c4  libsodium_1.0.18-1+deb12u1.dsc
d59323c6b712a1519a5daf710b68f5e7fde57040845ffec53850911f10a5d4f4  libsodium_1.0.18.orig.tar.gz
f410474e46346b06b162defa05b1be26906aeed6cf309e3d4ebe30b4d1350733  libsodium_1.0.18-1+deb12u1.debian.tar.xz
13865e96a0fed8dcb82767db65c946b56ed44fc1806d80d407c512ded2a83984  libidn2_2.3.3-1.dsc
f3ac987522c00d33d44b323cae424e2cffcb4c63c6aa6cd1376edacbf1c36eb0  libidn2_2.3.3.orig.tar.gz
b040c12276e1128394c2f84c97f7e45f340867fa9d0d0a0b9d8f043b1977db99  libidn2_2.3.3-1.debian.tar.xz
1ddb578f5865a447b11078993cef2138107c82f8590ec2516af6f9970a2d4e0f  libpsl_0.21.2-1.dsc
11e34380f2c81d6e72c710464aae3b680df4ddcc1007826c630fb03c7ca6aa54  libpsl_0.21.2.orig.tar.xz
78327367c83ce2dc6a8404f479a7589eacb0266f1d4a25619d5f6f00f98ab7b6  libpsl_0.21.2-1.debian.tar.xz
864ad1a08599ac878b277acbd55cd29602ca575951a986f5f3e5a63f423fef04  boost1.74_1.74.0+ds1-21.dsc
192f5df504d282cb81288f88232d8af45b64a9ab531e1c7cf8ae955f16f6bb28  boost1.74_1.74.0+ds1.orig.tar.xz
6549dab4824c781e0510272ac352f9e0367d4d47c16c94989e5ec7447fd8f0d8  boost1.74_1.74.0+ds1-21.debian.tar.xz
"
# Boost.Program_options is compiled from its 11 sources against Debian's /usr/include/boost: the
# headers must be of the very version the sources come from.
BOOST_HEADERS_PACKAGE=libboost1.74-dev
BOOST_HEADERS_VERSION=1.74.0+ds1-21
# The list compiled into libpsl (psl_builtin): Debian's publicsuffix package, as host/wasm uses.
PSL_LIST=/usr/share/publicsuffix/public_suffix_list.dat
# Bumped when a recipe below changes, so the cached dependencies are rebuilt.
RECIPE=1

# --- tools -------------------------------------------------------------------------------------
install_tools() {
  local wanted=(g++-mingw-w64-x86-64-posix wine wine64 msitools wixl autoconf automake libtool
                cmake make pkg-config python3 dpkg-dev googletest nlohmann-json3-dev rapidjson-dev
                "$BOOST_HEADERS_PACKAGE" publicsuffix xz-utils)
  local missing=() package
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "apt-get install ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -q
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  local have
  have=$(dpkg-query -W -f='${Version}' "$BOOST_HEADERS_PACKAGE")
  if [ "$have" != "$BOOST_HEADERS_VERSION" ]; then
    echo "build-windows: $BOOST_HEADERS_PACKAGE is $have, the pinned Boost sources are $BOOST_HEADERS_VERSION" >&2
    exit 1
  fi
}

# --- sources: fetched once (apt verifies them against the signed Sources index), then checked
# against the pins on every run ---------------------------------------------------------------
fetch_sources() {
  mkdir -p "$SRC"
  if ! (cd "$SRC" && sha256sum --quiet -c <<<"$PINNED_SHA256" >/dev/null 2>&1); then
    say "apt-get source --download-only ${PACKAGES[*]}"
    (cd "$SRC" && apt-get source -q --download-only "${PACKAGES[@]}" >/dev/null) || {
      echo "build-windows: cannot fetch the sources; a deb-src entry is needed (scripts/install-deps.sh adds one)" >&2
      exit 1
    }
  fi
  (cd "$SRC" && sha256sum --quiet -c <<<"$PINNED_SHA256") || {
    echo "build-windows: a source file does not match its pinned SHA-256" >&2
    exit 1
  }
}

# --- cross-built dependencies, each once (a stamp names the version and the recipe) ------------
toolchain_env() {
  local launcher=""
  [ -n "${CCACHE_DIR:-}" ] && command -v ccache >/dev/null && launcher="ccache "
  export CC="${launcher}$HOST_TRIPLE-gcc-posix" CXX="${launcher}$HOST_TRIPLE-g++-posix"
  export AR=$HOST_TRIPLE-ar RANLIB=$HOST_TRIPLE-ranlib
}

built() { [ -f "$PREFIX/stamps/$1-r$RECIPE" ]; }
mark_built() { mkdir -p "$PREFIX/stamps" && touch "$PREFIX/stamps/$1-r$RECIPE"; }

unpack() {  # unpack NAME DSC: a clean tree with Debian's patches applied
  rm -rf "${WORK:?}/$1"
  mkdir -p "$WORK"
  dpkg-source --no-check -x "$SRC/$2" "$WORK/$1" >/dev/null
}

configure_flags=(--host=$HOST_TRIPLE --disable-shared --enable-static --disable-dependency-tracking)

build_libsodium() {
  local stamp=libsodium-1.0.18-1+deb12u1
  built $stamp && return
  say "libsodium"
  unpack libsodium libsodium_1.0.18-1+deb12u1.dsc
  cd "$WORK/libsodium"
  # Debian's orig tarball is a git snapshot without a generated configure.
  $NICE autoreconf -fi >/dev/null 2>&1
  $NICE ./configure -q --prefix="$PREFIX" "${configure_flags[@]}" CFLAGS="-O2"
  $NICE make -s -j"$JOBS" >/dev/null
  make -s install >/dev/null
  cd "$ROOT"
  mark_built $stamp
}

build_libidn2() {  # with its bundled libunistring subset, configured as host/wasm does
  local stamp=libidn2-2.3.3-1
  built $stamp && return
  say "libidn2 (+ bundled libunistring)"
  unpack libidn2 libidn2_2.3.3-1.dsc
  cd "$WORK/libidn2"
  $NICE ./configure -q --prefix="$PREFIX" "${configure_flags[@]}" --disable-doc --disable-nls \
    --disable-valgrind-tests --disable-gcc-warnings --without-libiconv-prefix \
    --without-libunistring-prefix CFLAGS="-O2"
  local dir
  for dir in gl unistring lib; do $NICE make -s -j"$JOBS" -C $dir >/dev/null; done
  make -s -C lib install >/dev/null
  make -s install-pkgconfigDATA >/dev/null
  cd "$ROOT"
  mark_built $stamp
}

build_libpsl() {  # psl.c + the fixed-set lookup and the built-in list, as host/wasm does
  local stamp=libpsl-0.21.2-1
  built $stamp && return
  say "libpsl (built-in list from $PSL_LIST)"
  unpack libpsl libpsl_0.21.2-1.dsc
  cd "$WORK/libpsl"
  local v major minor patch number
  v=$(cat version.txt)
  IFS=. read -r major minor patch <<<"$v"
  number=$(printf '0x%02x%02x%02x' "$major" "$minor" "$patch")
  mkdir -p gen
  python3 src/psl-make-dafsa --output-format=cxx+ "$PSL_LIST" gen/suffixes_dafsa.h
  printf '#define ENABLE_BUILTIN 1\n#define HAVE_STRINGS_H 1\n#define PACKAGE_VERSION "%s"\n#define PSL_FILE "%s"\n' \
    "$v" "$PSL_LIST" >gen/config.h
  sed -e "s/@LIBPSL_VERSION@/$v/" -e "s/@LIBPSL_VERSION_MAJOR@/$major/" \
      -e "s/@LIBPSL_VERSION_MINOR@/$minor/" -e "s/@LIBPSL_VERSION_PATCH@/$patch/" \
      -e "s/@LIBPSL_VERSION_NUMBER@/$number/" include/libpsl.h.in >gen/libpsl.h
  local f
  for f in psl lookup_string_in_fixed_set; do
    # PSL_STATIC: no __declspec(dllimport) on the API (libpsl.h).
    $NICE $CC -O2 -w -DHAVE_CONFIG_H -DBUILDING_PSL -DPSL_STATIC -Igen -c src/$f.c -o gen/$f.o
  done
  mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include"
  rm -f "$PREFIX/lib/libpsl.a"
  $AR rcs "$PREFIX/lib/libpsl.a" gen/psl.o gen/lookup_string_in_fixed_set.o
  cp gen/libpsl.h "$PREFIX/include/"
  # psl.c calls the Winsock inet_pton: ws2_32 is a Windows system DLL.
  cat >"$PREFIX/lib/pkgconfig/libpsl.pc" <<EOF
prefix=$PREFIX
Name: libpsl
Description: Public Suffix List library (built-in list only)
Version: $v
Cflags: -I\${prefix}/include -DPSL_STATIC
Libs: -L\${prefix}/lib -lpsl -lws2_32
EOF
  cd "$ROOT"
  mark_built $stamp
}

# Boost.Program_options: its own 11 sources from the pinned boost1.74 orig tarball, against
# Debian's /usr/include/boost (header-only for everything else the host uses). Building the
# boost1.74 source package would mean bootstrapping b2 for a cross toolchain and compiling
# dozens of libraries the host never links, for the same 11 object files.
build_boost_program_options() {
  local stamp=boost-program-options-1.74.0+ds1-21
  built $stamp && return
  say "Boost.Program_options (11 sources, Debian's headers)"
  rm -rf "${WORK:?}/boost"
  mkdir -p "$WORK/boost" "$PREFIX/lib" "$PREFIX/include"
  cd "$WORK/boost"
  $NICE tar xJf "$SRC/boost1.74_1.74.0+ds1.orig.tar.xz" --wildcards '*/libs/program_options/src/*.cpp'
  # Under the toolchain file CMake only looks inside the prefix: Debian's headers are linked in.
  ln -sfn /usr/include/boost "$PREFIX/include/boost"
  local f
  for f in */libs/program_options/src/*.cpp; do
    $NICE $CXX -std=c++20 -O2 -DBOOST_ALL_NO_LIB -DBOOST_PROGRAM_OPTIONS_STATIC_LINK \
      -I"$PREFIX/include" -c "$f" -o "$(basename "$f" .cpp).o"
  done
  rm -f "$PREFIX/lib/libboost_program_options.a"
  $AR rcs "$PREFIX/lib/libboost_program_options.a" ./*.o
  cd "$ROOT"
  mark_built $stamp
}

link_header_only() {  # nlohmann_json and RapidJSON: Debian's headers (and CMake package), nothing to compile
  mkdir -p "$PREFIX/include" "$PREFIX/share/cmake/nlohmann_json"
  ln -sfn /usr/include/nlohmann "$PREFIX/include/nlohmann"
  ln -sfn /usr/include/rapidjson "$PREFIX/include/rapidjson"
  cp /usr/share/cmake/nlohmann_json/*.cmake "$PREFIX/share/cmake/nlohmann_json/"
}

build_googletest() {  # Debian's /usr/src/googletest, cross-built with the project's toolchain file
  local version stamp
  version=$(dpkg-query -W -f='${Version}' googletest)
  stamp=googletest-$version
  built "$stamp" && return
  say "GoogleTest $version"
  rm -rf "${WORK:?}/googletest"
  BCCSHIELD_WIN_PREFIX=$PREFIX $NICE cmake -S /usr/src/googletest -B "$WORK/googletest" -Wno-dev \
    -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$PREFIX" >/dev/null
  $NICE cmake --build "$WORK/googletest" -j"$JOBS" >/dev/null
  cmake --install "$WORK/googletest" >/dev/null
  mark_built "$stamp"
}

# --- the host ----------------------------------------------------------------------------------
build_host() {
  say "host (cmake --preset windows)"
  $NICE cmake --preset windows >/dev/null
  $NICE cmake --build "$OUT" -j"$JOBS" --target bccshield_host bccshield_unit_tests
  $HOST_TRIPLE-strip -o "$OUT/bccshield-host.exe" "$OUT/host/bccshield-host.exe"
  check_imports "$OUT/bccshield-host.exe"
  say "$OUT/bccshield-host.exe: $(stat -c %s "$OUT/bccshield-host.exe") bytes (stripped)"
}

# One self-contained file: every DLL it imports is part of Windows itself.
check_imports() {
  local dll bad=0
  for dll in $($HOST_TRIPLE-objdump -p "$1" | sed -n 's/^\s*DLL Name: //p'); do
    case "${dll,,}" in
      kernel32.dll | advapi32.dll | msvcrt.dll | ws2_32.dll | shell32.dll | ole32.dll | user32.dll) ;;
      api-ms-win-*) ;;
      *) echo "build-windows: $1 imports $dll, which Windows does not ship" >&2; bad=1 ;;
    esac
  done
  [ $bad -eq 0 ]
}

# --- the MSI (installer/windows/) --------------------------------------------------------------
# From build/windows/bccshield-host.exe and the XPI (built by the ci preset: the extension is the
# same on every OS) to build/windows/BccShield-<version>-x64.msi. Tests: tests/install/windows/
# run_msi_tests.sh.
build_msi() {
  local version xpi=$ROOT/build/ci/extension/bccshield.xpi
  version=$(sed -n 's/^set(BCCSHIELD_VERSION \(.*\))$/\1/p' cmake/identity.cmake)
  say "XPI (cmake --preset ci, target bccshield_xpi)"
  # The ci preset builds for this machine: without the MinGW CC/CXX of toolchain_env (a fresh
  # checkout, as in CI, configures build/ci here).
  local native=(env -u CC -u CXX -u AR -u RANLIB)
  [ -f build/ci/CMakeCache.txt ] || $NICE "${native[@]}" cmake --preset ci >/dev/null
  $NICE "${native[@]}" cmake --build build/ci --target bccshield_xpi >/dev/null
  say "MSI"
  installer/windows/build-msi.sh "$OUT/bccshield-host.exe" "$xpi" "$OUT/BccShield-$version-x64.msi"
}

install_tools
fetch_sources
toolchain_env
build_libsodium
build_libidn2
build_libpsl
build_boost_program_options
link_header_only
build_googletest
[ $DEPS_ONLY -eq 1 ] && exit 0
build_host
[ $WITH_MSI -eq 1 ] && build_msi
say "done"
