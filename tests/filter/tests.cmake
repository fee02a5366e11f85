# Filters: the cBPF -> eBPF translator against libpcap, and recording with
# an expression against tcpdump -r on replayed traces.
set(TCREC_FILTER_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(cbpf_difftest
  ${TCREC_FILTER_TEST_DIR}/cbpf_difftest.c
  ${TCREC_FILTER_TEST_DIR}/packets.c
  ${TCREC_FILTER_TEST_DIR}/randprog.c
  ${PROJECT_SOURCE_DIR}/recorder/cbpf_to_ebpf.c
  ${PROJECT_SOURCE_DIR}/recorder/filter.c)
target_include_directories(cbpf_difftest PRIVATE ${PROJECT_SOURCE_DIR}/recorder ${TCREC_FILTER_TEST_DIR})
target_compile_options(cbpf_difftest PRIVATE ${TCREC_WARNINGS})
target_link_libraries(cbpf_difftest PRIVATE PkgConfig::LIBBPF PkgConfig::PCAP)

add_test(NAME filter_cbpf_difftest
  COMMAND cbpf_difftest ${TCREC_TRACES_DIR} ${TCREC_FILTER_TEST_DIR}/expressions.txt 3000 1)
set_tests_properties(filter_cbpf_difftest PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 600)
