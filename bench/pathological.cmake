# Google Benchmark: pathological headers at two sizes (linear time), parse and whole decision.
add_executable(bccshield_pathological_bench ${CMAKE_CURRENT_LIST_DIR}/pathological_bench.cpp)
target_link_libraries(bccshield_pathological_bench PRIVATE bccshield::core benchmark::benchmark_main)
