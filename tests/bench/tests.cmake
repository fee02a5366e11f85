# Benchmark tools and a short smoke run of tests/bench/run.sh (the full
# benchmark is run by hand: tests/bench/run.sh, see README "Benchmarks").
add_executable(bench_ingest ${CMAKE_CURRENT_LIST_DIR}/ingest.c)
target_include_directories(bench_ingest PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(bench_ingest PRIVATE ${TCREC_WARNINGS})
target_link_libraries(bench_ingest PRIVATE PkgConfig::LIBBPF PkgConfig::PCAP)

add_test(NAME bench.smoke
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh --smoke --build ${PROJECT_BINARY_DIR}
          --traces ${TCREC_CORPUS_DIR} --out ${CMAKE_CURRENT_BINARY_DIR}/bench-smoke)
set_tests_properties(bench.smoke PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 600 LABELS bench)
include(${CMAKE_CURRENT_LIST_DIR}/netns_bench.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/attrib_bench.cmake)
