# Linux packages (.deb, and .rpm where rpmbuild exists) and the system-wide integration:
# host binary, system native messaging manifest, XPI, /etc/bccshield, Thunderbird policy merge.
# Included once at the end of the top-level CMakeLists.txt.
#
#   cmake --build build/dev -j2 && (cd build/dev && cpack -G DEB)   # and -G RPM
#
# The packages always install under /usr (CPACK_PACKAGING_INSTALL_PREFIX), whatever the build's
# CMAKE_INSTALL_PREFIX; the native messaging manifest is written at install time so its "path"
# is the installed binary.
if(EMSCRIPTEN OR WIN32 OR NOT TARGET bccshield_host)
  return()  # Windows: installer/windows/ and scripts/build-windows.sh
endif()

set(BCCSHIELD_INSTALLER_DIR ${CMAKE_CURRENT_LIST_DIR})
set(BCCSHIELD_INSTALLER_BINARY_DIR ${CMAKE_BINARY_DIR}/installer)
option(BCCSHIELD_INSTALL_SYSTEM_CONFIG "Install /etc/bccshield (policy, audit settings); the packages need it" ON)

# --- native messaging manifest: written at install time by `bccshield-host manifest`, the one
# manifest generator (install-user.sh uses it too), so its "path" is the installed binary.
install(CODE "
  set(_host_path \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/bccshield-host\")
  set(_bccshield_dirs lib/mozilla/native-messaging-hosts)
  if(\"\$ENV{BCCSHIELD_PACKAGE_LIB64}\")  # rpm: lib64 distributions read /usr/lib64/mozilla
    list(APPEND _bccshield_dirs lib64/mozilla/native-messaging-hosts)
  endif()
  foreach(_dir IN LISTS _bccshield_dirs)
    set(_out \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/\${_dir}/${BCCSHIELD_HOST_NAME}.json\")
    message(STATUS \"Installing: \${_out}\")
    get_filename_component(_out_dir \"\${_out}\" DIRECTORY)
    file(MAKE_DIRECTORY \"\${_out_dir}\")
    execute_process(COMMAND \"$<TARGET_FILE:bccshield_host>\" manifest --host-path \"\${_host_path}\"
      OUTPUT_FILE \"\${_out}\" COMMAND_ERROR_IS_FATAL ANY)
    file(CHMOD \"\${_out}\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endforeach()
  " COMPONENT host)

# --- documentation, man page, Debian changelog (compressed as Debian policy wants)
find_program(BCCSHIELD_GZIP gzip REQUIRED)
configure_file(${BCCSHIELD_INSTALLER_DIR}/bccshield-host.1.in ${BCCSHIELD_INSTALLER_BINARY_DIR}/bccshield-host.1 @ONLY)
install(CODE "
  foreach(_pair \"${BCCSHIELD_INSTALLER_DIR}/debian/changelog;share/doc/bccshield/changelog.gz\"
                \"${BCCSHIELD_INSTALLER_BINARY_DIR}/bccshield-host.1;share/man/man1/bccshield-host.1.gz\")
    list(GET _pair 0 _in)
    list(GET _pair 1 _rel)
    set(_out \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/\${_rel}\")
    get_filename_component(_dir \"\${_out}\" DIRECTORY)
    file(MAKE_DIRECTORY \"\${_dir}\")
    message(STATUS \"Installing: \${_out}\")
    execute_process(COMMAND ${BCCSHIELD_GZIP} -9nc \"\${_in}\" OUTPUT_FILE \"\${_out}\" COMMAND_ERROR_IS_FATAL ANY)
    file(CHMOD \"\${_out}\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
  endforeach()
  " COMPONENT host)
install(FILES ${BCCSHIELD_INSTALLER_DIR}/debian/copyright ${BCCSHIELD_INSTALLER_DIR}/THIRD-PARTY-NOTICES.txt
  DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/bccshield COMPONENT host)
if(EXISTS ${PROJECT_SOURCE_DIR}/docs/ADMIN.md)
  install(FILES ${PROJECT_SOURCE_DIR}/docs/ADMIN.md DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/bccshield COMPONENT host)
endif()
install(PROGRAMS ${BCCSHIELD_INSTALLER_DIR}/unix/install-user.sh ${BCCSHIELD_INSTALLER_DIR}/unix/uninstall-user.sh
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bccshield COMPONENT host)

# --- /etc/bccshield: configuration the package manager preserves (conffiles, %config(noreplace))
if(BCCSHIELD_INSTALL_SYSTEM_CONFIG)
  install(FILES ${BCCSHIELD_INSTALLER_DIR}/etc/policy.json ${BCCSHIELD_INSTALLER_DIR}/etc/audit.conf
    DESTINATION ${BCCSHIELD_SYSTEM_CONFIG_DIR} COMPONENT config)
endif()

# --- maintainer scripts: the shared shell functions are pasted into each script
file(READ ${BCCSHIELD_INSTALLER_DIR}/unix/maintainer-common.sh BCCSHIELD_MAINTAINER_COMMON)
string(CONFIGURE "${BCCSHIELD_MAINTAINER_COMMON}" BCCSHIELD_MAINTAINER_COMMON @ONLY)
foreach(script postinst prerm postrm)
  configure_file(${BCCSHIELD_INSTALLER_DIR}/debian/${script}.in ${BCCSHIELD_INSTALLER_BINARY_DIR}/debian/${script}
    @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
configure_file(${BCCSHIELD_INSTALLER_DIR}/debian/conffiles.in ${BCCSHIELD_INSTALLER_BINARY_DIR}/debian/conffiles @ONLY)
foreach(script post preun postun)
  configure_file(${BCCSHIELD_INSTALLER_DIR}/rpm/${script}.sh.in ${BCCSHIELD_INSTALLER_BINARY_DIR}/rpm/${script}.sh @ONLY)
endforeach()

# --- CPack
set(CPACK_PACKAGE_NAME bccshield)
set(CPACK_PACKAGE_VENDOR "BccShield")
set(CPACK_PACKAGE_CONTACT "BccShield maintainers <maintainers@bccshield.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "warns before a bulk e-mail exposes its recipients (Thunderbird)")
set(CPACK_PACKAGE_DESCRIPTION "BccShield checks each message at Send in Thunderbird. When many external
recipients would see each other's addresses in To/Cc, it offers to move them to
Bcc. This package installs the native host, registers it system-wide for
Thunderbird, and force-installs the BccShield extension through Thunderbird's
enterprise policies (/etc/thunderbird/policies/policies.json).")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_GENERATOR DEB)
find_program(BCCSHIELD_RPMBUILD rpmbuild)
if(BCCSHIELD_RPMBUILD)
  list(APPEND CPACK_GENERATOR RPM)
endif()

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION mail)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS thunderbird)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${BCCSHIELD_INSTALLER_BINARY_DIR}/debian/postinst
  ${BCCSHIELD_INSTALLER_BINARY_DIR}/debian/prerm
  ${BCCSHIELD_INSTALLER_BINARY_DIR}/debian/postrm
  ${BCCSHIELD_INSTALLER_BINARY_DIR}/debian/conffiles)

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "Proprietary (not yet chosen)")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_RELOCATABLE OFF)
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_SUGGESTS thunderbird)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${BCCSHIELD_INSTALLER_BINARY_DIR}/rpm/post.sh)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${BCCSHIELD_INSTALLER_BINARY_DIR}/rpm/preun.sh)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${BCCSHIELD_INSTALLER_BINARY_DIR}/rpm/postun.sh)
set(CPACK_RPM_USER_FILELIST "%config(noreplace) ${BCCSHIELD_SYSTEM_CONFIG_DIR}/policy.json"
  "%config(noreplace) ${BCCSHIELD_SYSTEM_CONFIG_DIR}/audit.conf")
# The package owns the mozilla/native-messaging-hosts folders it may create (rpm allows shared
# ownership, e.g. with mozilla-filesystem), so erasing it removes them when they are empty.
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /etc /usr/lib64 /usr/share/man /usr/share/man/man1 /usr/share/doc)

# Per generator: rpm also writes the lib64 manifest (install(CODE) above reads the variable).
file(WRITE ${BCCSHIELD_INSTALLER_BINARY_DIR}/cpack-project-config.cmake [=[
if(CPACK_GENERATOR STREQUAL "RPM")
  set(ENV{BCCSHIELD_PACKAGE_LIB64} 1)
else()
  unset(ENV{BCCSHIELD_PACKAGE_LIB64})
endif()
]=])
set(CPACK_PROJECT_CONFIG_FILE ${BCCSHIELD_INSTALLER_BINARY_DIR}/cpack-project-config.cmake)
# cpack packages what is built; it does not rebuild everything first (CI builds, tests, then
# packages; a half-written benchmark elsewhere in the tree must not block packaging).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

include(CPack)
