# End-to-end tests: real TC hooks on veth pairs in namespaces the tests make,
# with tcpdump on the same interface as the oracle. They need root and BPF and
# exit 77 (skipped) when either is missing.
set(E2E_DIR ${CMAKE_CURRENT_SOURCE_DIR}/e2e)

bpf_object(e2e_counter e2e/counter.bpf.c)
add_executable(e2e_hookctl ${E2E_DIR}/hookctl.c)
target_compile_options(e2e_hookctl PRIVATE ${TCREC_WARNINGS})
target_link_libraries(e2e_hookctl PRIVATE e2e_counter_skel PkgConfig::LIBBPF)

set(E2E_TCREC $<TARGET_FILE:tcrec>)
set(E2E_HOOKCTL $<TARGET_FILE:e2e_hookctl>)
set(E2E_SUMMARY ${CMAKE_CURRENT_BINARY_DIR}/e2e-summary.tsv)
# The system's python3 (the scripts use its standard library only).
find_program(E2E_PYTHON3 NAMES python3 PATHS /usr/bin /bin NO_DEFAULT_PATH)
if(NOT E2E_PYTHON3)
  set(E2E_PYTHON3 python3)
endif()

# The replay tests append one row each to E2E_SUMMARY; e2e_summary prints the
# table after the last of them.
add_test(NAME e2e_summary_reset COMMAND ${CMAKE_COMMAND} -E rm -f ${E2E_SUMMARY})
add_test(NAME e2e_summary COMMAND ${E2E_PYTHON3} ${E2E_DIR}/summary.py ${E2E_SUMMARY})
set_tests_properties(e2e_summary_reset PROPERTIES FIXTURES_SETUP e2e_rows LABELS e2e)
set_tests_properties(e2e_summary PROPERTIES FIXTURES_CLEANUP e2e_rows
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS e2e)

set(E2E_TESTS)
foreach(trace ${TCREC_WIRE_TRACES})
  tcrec_trace_case(${trace} name label)
  add_test(NAME e2e_replay_${name}
    COMMAND bash ${E2E_DIR}/replay.sh ${E2E_TCREC} ${E2E_HOOKCTL} ${trace} ${E2E_SUMMARY})
  set_tests_properties(e2e_replay_${name} PROPERTIES FIXTURES_REQUIRED e2e_rows)
  list(APPEND E2E_TESTS e2e_replay_${name})
  tcrec_label_tests(${label} e2e_replay_${name})
endforeach()

# Packet bytes: the first 256 bytes (-s 256) or the whole packet (-s 0) equal
# tcpdump's, with the offloaded VLAN tags put back (vlan) and on full-size
# frames (bulk).
foreach(case vlan:256 bulk:256 vlan:0)
  string(REPLACE ":" ";" parts ${case})
  list(GET parts 0 name)
  list(GET parts 1 snap)
  add_test(NAME e2e_snap${snap}_${name}
    COMMAND bash ${E2E_DIR}/replay.sh ${E2E_TCREC} ${E2E_HOOKCTL} ${TCREC_CORPUS_DIR}/${name}.pcap
            ${E2E_SUMMARY} -s ${snap})
  set_tests_properties(e2e_snap${snap}_${name} PROPERTIES FIXTURES_REQUIRED e2e_rows)
  list(APPEND E2E_TESTS e2e_snap${snap}_${name})
endforeach()

add_test(NAME e2e_egress COMMAND bash ${E2E_DIR}/egress.sh ${E2E_TCREC} ${E2E_HOOKCTL}
  ${TCREC_TRACE_VLAN})
foreach(mode tcx tc)
  add_test(NAME e2e_coexist_${mode}
    COMMAND bash ${E2E_DIR}/coexist.sh ${E2E_TCREC} ${E2E_HOOKCTL} ${mode}
            ${TCREC_TRACE_DNS})
endforeach()
foreach(mode tc tcx)
  add_test(NAME e2e_stale_tc_${mode} COMMAND bash ${E2E_DIR}/stale_tc.sh ${E2E_TCREC} ${E2E_HOOKCTL}
    ${TCREC_TRACE_VLAN} ${mode})
endforeach()
add_test(NAME e2e_limits COMMAND bash ${E2E_DIR}/limits.sh ${E2E_TCREC} ${E2E_HOOKCTL}
  ${TCREC_TRACE_DNS})
add_test(NAME cli_bad_input COMMAND bash ${E2E_DIR}/cli_bad_input.sh ${E2E_TCREC} ${E2E_HOOKCTL})
list(APPEND E2E_TESTS e2e_egress e2e_coexist_tcx e2e_coexist_tc e2e_stale_tc_tc e2e_stale_tc_tcx e2e_limits
  cli_bad_input)
# Traffic the test makes itself (ping, iperf3, HTTP from python3's server),
# recorded with -s 128 beside tcpdump.
add_test(NAME e2e_live_traffic COMMAND bash ${E2E_DIR}/live_traffic.sh ${E2E_TCREC} ${E2E_HOOKCTL})
list(APPEND E2E_TESTS e2e_live_traffic)
# Interfaces that come and go (-i PATTERN, any, NAME, --follow), -Q, lo and
# --netns, against tcpdump on the same interface.
add_test(NAME e2e_follow COMMAND bash ${E2E_DIR}/follow.sh ${E2E_TCREC} ${E2E_HOOKCTL})
list(APPEND E2E_TESTS e2e_follow)
# record --cgroup: only the packets of one cgroup's sockets, decided in the
# kernel, against tcpdump and the pid of the process the test started.
add_test(NAME e2e_cgroup_select COMMAND bash ${E2E_DIR}/cgroup_select.sh ${E2E_TCREC} ${E2E_HOOKCTL})
list(APPEND E2E_TESTS e2e_cgroup_select)

# One at a time: tcpdump is the oracle and must not drop packets because
# another replay is eating the CPU.
set_tests_properties(${E2E_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 120 LABELS e2e RESOURCE_LOCK e2e_net)
# Up to three rounds when tcpdump drops under load.
set_tests_properties(e2e_live_traffic PROPERTIES TIMEOUT 300)
set_tests_properties(e2e_follow PROPERTIES TIMEOUT 240)
