# Google Benchmark program: the whole pipeline vs GMime's parse alone, and the real host process.
find_package(PkgConfig REQUIRED)
pkg_check_modules(GMIME IMPORTED_TARGET gmime-3.0)
add_executable(bccshield_bench ${CMAKE_CURRENT_LIST_DIR}/pipeline_bench.cpp ${CMAKE_CURRENT_LIST_DIR}/header_generator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/host_process_bench.cpp)
target_link_libraries(bccshield_bench PRIVATE bccshield::core benchmark::benchmark_main)
target_compile_definitions(bccshield_bench PRIVATE BCCSHIELD_HOST_BINARY="$<TARGET_FILE:bccshield_host>")
add_dependencies(bccshield_bench bccshield_host)
if(GMIME_FOUND)
  target_link_libraries(bccshield_bench PRIVATE PkgConfig::GMIME)
  target_compile_definitions(bccshield_bench PRIVATE BCCSHIELD_WITH_GMIME=1)
endif()
set_target_properties(bccshield_bench PROPERTIES COMPILE_WARNING_AS_ERROR OFF)  # POSIX macros use C casts
