# Readers: `tcrec print` and `tcrec stats` on logs made from the shared
# traces without the kernel, checked against tcpdump, tshark and capinfos
# reading the same traces.
set(READERS_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(pcap2tclog ${READERS_DIR}/pcap2tclog.c)
target_include_directories(pcap2tclog PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(pcap2tclog PRIVATE ${TCREC_WARNINGS})
target_link_libraries(pcap2tclog PRIVATE tcrec_formats PkgConfig::PCAP)

set(READERS_TCREC $<TARGET_FILE:tcrec>)
set(READERS_GEN $<TARGET_FILE:pcap2tclog>)

set(READERS_PYTHON3 ${TCREC_PYTHON3})
set(READERS_TESTS)
foreach(trace ${TCREC_OFFLINE_TRACES})
  tcrec_trace_case(${trace} name label)
  set(args --tcrec ${READERS_TCREC} --gen ${READERS_GEN} --trace ${trace})
  # Metadata-only records, and whole packets (TCP options, ARP, ICMP errors
  # then print as tcpdump prints them, cut short where the capture was), with
  # and without -e.
  add_test(NAME readers_print_${name} COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${args})
  add_test(NAME readers_print_e_s0_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${args} -e --snap 0)
  add_test(NAME readers_print_s0_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${args} --snap 0)
  add_test(NAME readers_json_${name} COMMAND ${READERS_PYTHON3} ${READERS_DIR}/json_vs_tshark.py ${args})
  add_test(NAME readers_stats_${name} COMMAND ${READERS_PYTHON3} ${READERS_DIR}/stats_vs_oracles.py ${args})
  add_test(NAME readers_filter_${name}
    COMMAND bash ${READERS_DIR}/filter_vs_tcpdump.sh ${READERS_TCREC} ${READERS_GEN} ${trace})
  list(APPEND READERS_TESTS readers_print_${name} readers_print_e_s0_${name} readers_print_s0_${name}
    readers_json_${name} readers_stats_${name} readers_filter_${name})
  tcrec_label_tests(${label} readers_print_${name} readers_print_e_s0_${name} readers_print_s0_${name}
    readers_json_${name} readers_stats_${name} readers_filter_${name})
endforeach()
# Print wording on cases made for it (ICMP errors, URG, odd protocols),
# from a pcap make_edge_pcap.py writes.
set(edge --tcrec ${READERS_TCREC} --gen ${READERS_GEN} --trace edge)
add_test(NAME readers_print_wording COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${edge})
add_test(NAME readers_print_e_s0_wording
  COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${edge} -e --snap 0)
add_test(NAME readers_json_wording COMMAND ${READERS_PYTHON3} ${READERS_DIR}/json_vs_tshark.py ${edge})
list(APPEND READERS_TESTS readers_print_wording readers_print_e_s0_wording readers_json_wording)

# IPv6 extension header chains, which a record keeps the length of only:
# filters on rebuilt headers select as tcpdump does, or warn.
add_test(NAME readers_filter_ipv6_chains COMMAND ${READERS_PYTHON3} ${READERS_DIR}/filter_ipv6_chains.py
  --tcrec ${READERS_TCREC} --gen ${READERS_GEN})
list(APPEND READERS_TESTS readers_filter_ipv6_chains)

add_test(NAME readers_files COMMAND bash ${READERS_DIR}/files.sh ${READERS_TCREC} ${READERS_GEN}
  ${TCREC_TRACE_DNS} ${TCREC_TRACE_SHORT} ${TCREC_TRACE_VLAN})
list(APPEND READERS_TESTS readers_files)

# Damaged logs and files that are not logs: read what can be read, one
# warning per problem, exit 1; --strict stops at the first. Sparse tails and
# holes cost time by the data, not the file size.
set(dmg ${READERS_PYTHON3} ${READERS_DIR}/damaged_logs.py --tcrec ${READERS_TCREC} --gen ${READERS_GEN}
  --dump $<TARGET_FILE:tclog_dump> --trace ${TCREC_TRACE_MIXED})
foreach(case bad_files resync sparse_tail messages)
  add_test(NAME readers_damaged_${case} COMMAND ${dmg} ${case})
  list(APPEND READERS_TESTS readers_damaged_${case})
endforeach()
add_test(NAME readers_sanitize_warnings
  COMMAND bash ${READERS_DIR}/sanitize_warnings.sh ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR})
list(APPEND READERS_TESTS readers_sanitize_warnings)
# Process attribution (issue 14): every reader against the owners
# pcap2tclog --sockets gave the flows (its --sockets-map, not the reader).
foreach(trace ${TCREC_TRACE_MIXED} ${TCREC_TRACE_FRAG})
  get_filename_component(name ${trace} NAME_WE)
  foreach(case print filters stats export diff)
    add_test(NAME readers_process_${case}_${name}
      COMMAND ${READERS_PYTHON3} ${READERS_DIR}/process_attr.py --tcrec ${READERS_TCREC}
        --gen ${READERS_GEN} --trace ${trace} ${case})
    list(APPEND READERS_TESTS readers_process_${case}_${name})
  endforeach()
endforeach()

set_tests_properties(${READERS_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 300 LABELS readers)
include(${CMAKE_CURRENT_LIST_DIR}/flags.cmake)

# Capture files read directly (no log): print against tcpdump on the same
# file, as it is and made into other kinds (cooked SLL/SLL2, raw IP,
# nanosecond pcap, two-interface pcapng, .pcapng.zst, stdin); pcapng
# interface names and directions against tshark; stats against capinfos;
# export -F tcrec; damaged files.
set(READERS_CAPTURE_TESTS)
foreach(trace ${TCREC_OFFLINE_TRACES})
  tcrec_trace_case(${trace} name label)
  set(args --tcrec ${READERS_TCREC} --gen ${READERS_GEN} --trace ${trace} --direct)
  add_test(NAME readers_capture_print_${name} COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${args})
  add_test(NAME readers_capture_print_e_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${args} -e)
  list(APPEND READERS_CAPTURE_TESTS readers_capture_print_${name} readers_capture_print_e_${name})
  tcrec_label_tests(${label} readers_capture_print_${name} readers_capture_print_e_${name})
endforeach()
foreach(trace ${TCREC_TRACE_MIXED} ${TCREC_TRACE_DNS} ${TCREC_TRACE_VLAN})
  get_filename_component(name ${trace} NAME_WE)
  set(args --tcrec ${READERS_TCREC} --gen ${READERS_GEN} --trace ${trace})
  foreach(kind sll sll2 raw ns pcapng zst stdin stdin-zst)
    string(REPLACE "-" "_" k ${kind})
    add_test(NAME readers_capture_print_${k}_${name}
      COMMAND ${READERS_PYTHON3} ${READERS_DIR}/print_vs_tcpdump.py ${args} --direct --as ${kind})
    list(APPEND READERS_CAPTURE_TESTS readers_capture_print_${k}_${name})
  endforeach()
  foreach(case names stats export damaged)
    add_test(NAME readers_capture_${case}_${name}
      COMMAND ${READERS_PYTHON3} ${READERS_DIR}/capture_files.py ${args} ${case})
    list(APPEND READERS_CAPTURE_TESTS readers_capture_${case}_${name})
  endforeach()
endforeach()
set_tests_properties(${READERS_CAPTURE_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 120 LABELS readers)
include(${CMAKE_CURRENT_LIST_DIR}/verbose.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/plots.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/progress.cmake)
