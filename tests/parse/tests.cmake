# The parser contract: the capture program (through BPF_PROG_TEST_RUN) and
# formats/packet_parse.c give identical records for every packet of every
# corpus (and extra) trace. Needs root and BPF; skips (77) otherwise.
add_executable(parse_contract
  ${CMAKE_CURRENT_LIST_DIR}/parse_contract.c
  ${PROJECT_SOURCE_DIR}/tests/bpf/testrun.c)
target_include_directories(parse_contract PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/tests/bpf)
target_compile_options(parse_contract PRIVATE ${TCREC_WARNINGS})
target_link_libraries(parse_contract PRIVATE tcrec_formats tcrec_capture_skel PkgConfig::LIBBPF
  PkgConfig::PCAP)

# Packets whose headers meet the end of the parse window or of the packet
# near it, where the TRUNC / EXT_LIMIT rule decides.
set(PARSE_WINDOW_TRACE ${CMAKE_CURRENT_BINARY_DIR}/parse_window.pcap)
add_custom_command(OUTPUT ${PARSE_WINDOW_TRACE}
  COMMAND ${TCREC_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/make_parse_trace.py ${PARSE_WINDOW_TRACE}
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/make_parse_trace.py
          ${PROJECT_SOURCE_DIR}/tests/bpf/make_edge_trace.py
  COMMENT "parse_window.pcap"
  VERBATIM)
add_custom_target(parse_window_trace ALL DEPENDS ${PARSE_WINDOW_TRACE})

# Every trace BPF_PROG_TEST_RUN can run (Ethernet): the corpus with its
# offline traces, the extra traces, the BPF tier's edge cases and the
# window cases above.
set(parse_traces ${TCREC_OFFLINE_TRACES} ${PARSE_WINDOW_TRACE})
if(BPFT_EDGE_TRACE)
  list(APPEND parse_traces ${BPFT_EDGE_TRACE})
endif()
foreach(parse_trace ${parse_traces})
  tcrec_trace_case(${parse_trace} parse_name parse_label)
  add_test(NAME parse_contract_${parse_name} COMMAND parse_contract ${parse_trace})
  set_tests_properties(parse_contract_${parse_name} PROPERTIES
    SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 120 LABELS "bpf;root")
  tcrec_label_tests(${parse_label} parse_contract_${parse_name})
endforeach()
