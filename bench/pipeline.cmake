# Google Benchmark program: the whole pipeline vs GMime's parse alone, and the real host process.
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
pkg_check_modules(GMIME IMPORTED_TARGET gmime-3.0)
add_executable(bccshield_bench ${CMAKE_CURRENT_LIST_DIR}/pipeline_bench.cpp ${CMAKE_CURRENT_LIST_DIR}/header_generator.cpp)
target_link_libraries(bccshield_bench PRIVATE bccshield::core benchmark::benchmark_main)

# A separate small program, so the child's peak RSS is not inflated by a big benchmark parent.
add_executable(bccshield_host_bench ${CMAKE_CURRENT_LIST_DIR}/host_process_bench.cpp ${CMAKE_CURRENT_LIST_DIR}/header_generator.cpp)
target_link_libraries(bccshield_host_bench PRIVATE nlohmann_json::nlohmann_json benchmark::benchmark_main)
target_compile_definitions(bccshield_host_bench PRIVATE BCCSHIELD_HOST_BINARY="$<TARGET_FILE:bccshield_host>")
add_dependencies(bccshield_host_bench bccshield_host)
set_target_properties(bccshield_host_bench PROPERTIES COMPILE_WARNING_AS_ERROR OFF)  # POSIX macros use C casts
# One call of the engine or of GMime, for callgrind's instruction counts (bench/run.py).
add_executable(bccshield_instructions ${CMAKE_CURRENT_LIST_DIR}/instructions.cpp ${CMAKE_CURRENT_LIST_DIR}/header_generator.cpp)
target_link_libraries(bccshield_instructions PRIVATE bccshield::core)
if(GMIME_FOUND)
  target_link_libraries(bccshield_instructions PRIVATE PkgConfig::GMIME)
  target_compile_definitions(bccshield_instructions PRIVATE BCCSHIELD_WITH_GMIME=1)
  target_link_libraries(bccshield_bench PRIVATE PkgConfig::GMIME)
  target_compile_definitions(bccshield_bench PRIVATE BCCSHIELD_WITH_GMIME=1)
  # GMime's parse-only process: the yardstick of the whole-process benchmark.
  add_executable(bccshield_gmime_parse_count ${CMAKE_CURRENT_LIST_DIR}/gmime_parse_count.c)
  target_link_libraries(bccshield_gmime_parse_count PRIVATE PkgConfig::GMIME)
  target_compile_definitions(bccshield_host_bench PRIVATE
    BCCSHIELD_GMIME_COUNT="$<TARGET_FILE:bccshield_gmime_parse_count>")
  add_dependencies(bccshield_host_bench bccshield_gmime_parse_count)
endif()
set_target_properties(bccshield_bench PROPERTIES COMPILE_WARNING_AS_ERROR OFF)  # POSIX macros use C casts
