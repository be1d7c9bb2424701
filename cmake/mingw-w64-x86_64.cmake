# Cross-compiling for 64-bit Windows with Debian's MinGW-w64, POSIX thread variant (the win32
# variant has no std::thread in GCC 12). Used by the `windows` preset and scripts/build-windows.sh.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(BCCSHIELD_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${BCCSHIELD_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${BCCSHIELD_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${BCCSHIELD_MINGW_TRIPLE}-windres)

# The dependencies cross-built by scripts/build-windows.sh. Libraries, headers and packages are
# looked for only there and in MinGW's own sysroot, never in the build machine's /usr.
if(NOT BCCSHIELD_WIN_PREFIX)
  set(BCCSHIELD_WIN_PREFIX "$ENV{BCCSHIELD_WIN_PREFIX}")
endif()
if(NOT BCCSHIELD_WIN_PREFIX)
  get_filename_component(BCCSHIELD_WIN_PREFIX "${CMAKE_CURRENT_LIST_DIR}/../build/windows/deps/prefix" ABSOLUTE)
endif()
set(BCCSHIELD_WIN_PREFIX "${BCCSHIELD_WIN_PREFIX}" CACHE PATH "Cross-built Windows dependencies")
set(CMAKE_FIND_ROOT_PATH /usr/${BCCSHIELD_MINGW_TRIPLE} ${BCCSHIELD_WIN_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(ENV{PKG_CONFIG_LIBDIR} "${BCCSHIELD_WIN_PREFIX}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")

# Boost.Program_options is a plain static archive in the prefix (no BoostConfig.cmake).
set(Boost_NO_BOOST_CMAKE ON)
set(BOOST_ROOT "${BCCSHIELD_WIN_PREFIX}")

# One self-contained .exe: libstdc++, libgcc and winpthread linked in. Thunderbird starts the host
# with CreateProcessW from the exe's folder; a missing runtime DLL would fail every send. (The
# `windows` preset sets CMAKE_EXE_LINKER_FLAGS itself, -static included.)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
