# BccShield's identity and limits: the one place they are written. Included before project() by
# the top-level CMakeLists.txt and by host/wasm (the Outlook engine), and turned into
#   host/include/bccshield/identity.hpp.in               -> <build>/host/generated/bccshield/identity.hpp
#   extension/thunderbird/modules/identity.mjs.in        -> <build>/extension/xpi/modules/identity.mjs
#   extension/thunderbird/manifest.json.in               -> <build>/extension/xpi/manifest.json
# tests/extension/identity.test.mjs checks that the three generated files agree.
include_guard(GLOBAL)

set(BCCSHIELD_VERSION 0.1.0)
# One protocol version at a time: the extension and the host ship together (PROTOCOL.md).
set(BCCSHIELD_PROTOCOL_VERSION 2)
set(BCCSHIELD_HOST_NAME "org.bccshield.host")
set(BCCSHIELD_HOST_DESCRIPTION "BccShield: checks recipients before a bulk e-mail is sent")
set(BCCSHIELD_EXTENSION_ID "bccshield@bccshield.org")
# The Windows installer's UpgradeCode: the same for every version, forever (MajorUpgrade finds
# the installed BccShield through it). installer/windows/bccshield.wxs receives it from here.
set(BCCSHIELD_MSI_UPGRADE_CODE "de5ea0b9-3350-4d52-bbcd-edd84cb42678")

# System-wide configuration: the same path whatever CMAKE_INSTALL_PREFIX is (packages, admins'
# configuration management and the docs rely on it). Per-user paths follow XDG at run time.
set(BCCSHIELD_SYSTEM_CONFIG_DIR "/etc/bccshield")
# Machine state only an admin step writes (the highest accepted policy serial): not under /etc,
# which configuration management may overwrite, and never under a user's HOME.
set(BCCSHIELD_SYSTEM_STATE_DIR "/var/lib/bccshield")

# Limits. Requests: the largest frame the host reads (checked before allocating). Replies:
# Thunderbird refuses host-to-extension messages over 1 MiB. Host timeout: the extension's
# default wait for a reply (users and IT may change it).
math(EXPR BCCSHIELD_MAX_REQUEST_BYTES "16 * 1024 * 1024")
math(EXPR BCCSHIELD_MAX_REPLY_BYTES "1024 * 1024")
set(BCCSHIELD_HOST_TIMEOUT_MS 8000)

# Writes identity.hpp into `dir`/bccshield (the host and the Outlook engine include it).
function(bccshield_generate_identity_header dir)
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../host/include/bccshield/identity.hpp.in"
    "${dir}/bccshield/identity.hpp" @ONLY)
endfunction()
