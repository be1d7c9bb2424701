# cmake -DOUT=<folder> -P installer/windows/msi-inputs.cmake
# Writes what bccshield.wxs needs from cmake/identity.cmake (the one place names, ids and the
# version are written): <OUT>/wixl-defines (one NAME=VALUE a line, for wixl -D) and the native
# messaging manifest <OUT>/<host name>.json. Its fields are those of native_manifest.cpp
# (`bccshield-host manifest`), except "path": the bare file name, relative to the manifest's
# folder, which Gecko allows on Windows only (NativeManifests.sys.mjs, parseManifest).
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/identity.cmake)
if(NOT OUT)
  message(FATAL_ERROR "usage: cmake -DOUT=<folder> -P msi-inputs.cmake")
endif()
set(exe_name bccshield-host.exe)
file(MAKE_DIRECTORY "${OUT}")
file(WRITE "${OUT}/wixl-defines"
  "Version=${BCCSHIELD_VERSION}\n"
  "UpgradeCode=${BCCSHIELD_MSI_UPGRADE_CODE}\n"
  "HostName=${BCCSHIELD_HOST_NAME}\n"
  "HostDescription=${BCCSHIELD_HOST_DESCRIPTION}\n"
  "ExtensionId=${BCCSHIELD_EXTENSION_ID}\n"
  "ExeName=${exe_name}\n"
  "XpiName=bccshield.xpi\n"
  "PolicyName=policy.json\n")  # the host's name for it (identity.hpp.in, in platform_win32's policy folder)
string(JSON manifest SET "{}" name "\"${BCCSHIELD_HOST_NAME}\"")
string(JSON manifest SET "${manifest}" description "\"${BCCSHIELD_HOST_DESCRIPTION}\"")
string(JSON manifest SET "${manifest}" path "\"${exe_name}\"")
string(JSON manifest SET "${manifest}" type "\"stdio\"")
string(JSON manifest SET "${manifest}" allowed_extensions "[\"${BCCSHIELD_EXTENSION_ID}\"]")
file(WRITE "${OUT}/${BCCSHIELD_HOST_NAME}.json" "${manifest}\n")
