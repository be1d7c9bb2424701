#!/bin/sh
# Builds BccShield's MSI with wixl (msitools) from a cross-built host and the XPI.
#   installer/windows/build-msi.sh EXE XPI OUT.msi [VERSION]
# VERSION (default: cmake/identity.cmake's) exists for the upgrade test, which needs an older
# build of the same product. scripts/build-windows.sh (build_msi) calls this.
set -eu
[ $# -ge 3 ] || { echo "usage: $0 EXE XPI OUT.msi [VERSION]" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
EXE=$(realpath "$1")
XPI=$(realpath "$2")
OUT=$(realpath -m "$3")
VERSION=${4:-}
STAGE=$OUT.inputs
for tool in cmake wixl msibuild msiinfo; do
  command -v $tool >/dev/null || { echo "build-msi: $tool is missing (apt-get install cmake wixl msitools)" >&2; exit 1; }
done
[ -f "$EXE" ] && [ -f "$XPI" ] || { echo "build-msi: missing $EXE or $XPI" >&2; exit 1; }

rm -rf "$STAGE"
cmake -DOUT="$STAGE" -P "$HERE/msi-inputs.cmake"
# The -D variables: identity first, then the sources; a given VERSION replaces identity's.
set --
while IFS= read -r define; do
  case $define in Version=*) [ -n "$VERSION" ] && define="Version=$VERSION" ;; esac
  set -- "$@" -D "$define"
done <"$STAGE/wixl-defines"
HOST_NAME=$(sed -n 's/^HostName=//p' "$STAGE/wixl-defines")
# wixl takes a Source relative to the folder it runs in: the inputs are staged side by side.
ln -s "$EXE" "$STAGE/host.exe"
ln -s "$XPI" "$STAGE/extension.xpi"
ln -s "$HERE/../THIRD-PARTY-NOTICES.txt" "$STAGE/THIRD-PARTY-NOTICES.txt"
set -- "$@" -D "ExeSource=host.exe" -D "XpiSource=extension.xpi" -D "ManifestSource=$HOST_NAME.json"

rm -f "$OUT"
(cd "$STAGE" && wixl -a x64 "$@" -o "$OUT" "$HERE/bccshield.wxs")

# Component conditions (component-conditions.tsv), which wixl cannot express; each must match
# exactly one component, or the build fails rather than ship an unconditional policy component.
grep -v '^#' "$HERE/component-conditions.tsv" | while IFS="$(printf '\t')" read -r component condition; do
  [ -n "$component" ] || continue
  msiinfo export "$OUT" Component | cut -f1 | grep -qx "$component" ||
    { echo "build-msi: no component $component in the MSI" >&2; exit 1; }
  quoted=$(printf '%s' "$condition" | sed "s/'/''/g")
  msibuild "$OUT" -q "UPDATE \`Component\` SET \`Condition\` = '$quoted' WHERE \`Component\` = '$component'"
  msiinfo export "$OUT" Component | awk -F'\t' -v c="$component" '$1 == c { print $5 }' | grep -qxF "$condition" ||
    { echo "build-msi: the condition of $component did not take" >&2; exit 1; }
done
# MajorUpgrade: wixl only orders RemoveExistingProducts after InstallValidate, and its sort puts
# it after InstallFiles, inside the install script, where Windows Installer refuses it (error
# 2613; Wine runs it, and its old product's removal then unregisters the new one's UpgradeCode).
# Right after InstallValidate (1400), before InstallInitialize (1500): the old version is
# removed completely, then the new one installed (WiX's default, afterInstallValidate).
msibuild "$OUT" -q "UPDATE \`InstallExecuteSequence\` SET \`Sequence\` = 1401 WHERE \`Action\` = 'RemoveExistingProducts'"
msiinfo export "$OUT" InstallExecuteSequence | tr -d '\r' | awk -F'\t' '$1 == "RemoveExistingProducts" { print $3 }' | grep -qx 1401 ||
  { echo "build-msi: RemoveExistingProducts is not at 1401" >&2; exit 1; }
echo "build-msi: $OUT ($(stat -c %s "$OUT") bytes)"
