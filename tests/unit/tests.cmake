# Log format unit tests: plain C, no kernel, no root.
set(TCREC_UNIT_DIR ${CMAKE_CURRENT_LIST_DIR})
add_library(tclog_testutil STATIC ${TCREC_UNIT_DIR}/testutil.c)
target_include_directories(tclog_testutil PUBLIC ${PROJECT_SOURCE_DIR} ${TCREC_UNIT_DIR})
target_compile_options(tclog_testutil PRIVATE ${TCREC_WARNINGS})
target_link_libraries(tclog_testutil PUBLIC tcrec_formats)

foreach(t tclog_roundtrip_test tclog_damage_test tclog_trailer_test tclog_writer_fail_test
          tclog_ifaces_test tclog_v1_test tclog_socks_test)
  add_executable(${t} ${TCREC_UNIT_DIR}/${t}.c)
  target_compile_options(${t} PRIVATE ${TCREC_WARNINGS})
  target_link_libraries(${t} PRIVATE tclog_testutil)
  string(REPLACE "_test" "" name ${t})
  add_test(NAME unit.${name} COMMAND ${t})
endforeach()

# Bytes per record and records/s on records built from the corpus traces.
# The smoke run is a real check (every record read back equal); the full
# figures come from running it by hand with a larger -n.
add_executable(tclog_bench ${TCREC_UNIT_DIR}/tclog_bench.c)
target_compile_options(tclog_bench PRIVATE ${TCREC_WARNINGS})
target_link_libraries(tclog_bench PRIVATE tclog_testutil PkgConfig::PCAP)
add_test(NAME unit.tclog_bench_smoke COMMAND tclog_bench -n 20000 ${TCREC_OFFLINE_TRACES})

# Conformance to formats/FORMAT.md: an independent reader written from the
# spec alone must agree with the C reader on a file the C writer made.
add_executable(tclog_dump ${TCREC_UNIT_DIR}/tclog_dump.c)
target_compile_options(tclog_dump PRIVATE ${TCREC_WARNINGS})
target_link_libraries(tclog_dump PRIVATE tclog_testutil)
add_test(NAME unit.tclog_spec COMMAND bash ${TCREC_UNIT_DIR}/tclog_spec_test.sh $<TARGET_FILE:tclog_dump>)
set_tests_properties(unit.tclog_spec PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE})
