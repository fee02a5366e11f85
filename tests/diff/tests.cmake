# `tcrec diff`: ground truth by construction on every trace, delay by
# construction, mixed inputs, exit codes / FILTER / unmatched pcapng, the
# matcher on its own, look-alikes and flows at scale, inputs cut short, a
# live two-vantage-point run with nftables loss, and a short benchmark smoke
# run (the full benchmark is tests/diff/bench_diff.sh).
set(DIFF_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})
set(DIFF_TOOLS_DIR ${PROJECT_SOURCE_DIR}/tests/tools)

# Test tools of the project's own, reusable by benchmarks.
add_executable(pcapmut ${DIFF_TOOLS_DIR}/pcapmut.c)
target_compile_options(pcapmut PRIVATE ${TCREC_WARNINGS})
target_link_libraries(pcapmut PRIVATE PkgConfig::PCAP)
add_executable(udpflood ${DIFF_TOOLS_DIR}/udpflood.c)
target_compile_options(udpflood PRIVATE ${TCREC_WARNINGS})

# The matcher, the delay histogram and the flow table alone, on synthetic packets.
add_executable(diff_match_test ${DIFF_TEST_DIR}/diff_match_test.c)
target_link_libraries(diff_match_test PRIVATE tcrec_core)
target_compile_options(diff_match_test PRIVATE ${TCREC_WARNINGS})
add_test(NAME diff_match_unit COMMAND diff_match_test)
set_tests_properties(diff_match_unit PROPERTIES LABELS diff)

# The engine alone: two small pcaps through diff_engine_new/run, no command.
add_executable(diff_engine_test ${DIFF_TEST_DIR}/diff_engine_test.c)
target_link_libraries(diff_engine_test PRIVATE tcrec_core)
target_compile_options(diff_engine_test PRIVATE ${TCREC_WARNINGS})
add_test(NAME diff_engine_unit COMMAND diff_engine_test)
set_tests_properties(diff_engine_unit PROPERTIES LABELS diff)

set(DIFF_TCREC $<TARGET_FILE:tcrec>)
set(DIFF_PCAPMUT $<TARGET_FILE:pcapmut>)
set(DIFF_GEN $<TARGET_FILE:pcap2tclog>)

foreach(trace ${TCREC_WIRE_TRACES})
  tcrec_trace_case(${trace} name label)
  add_test(NAME diff_groundtruth_${name}
    COMMAND bash ${DIFF_TEST_DIR}/groundtruth.sh ${DIFF_TCREC} ${DIFF_PCAPMUT} ${trace})
  add_test(NAME diff_delay_${name}
    COMMAND bash ${DIFF_TEST_DIR}/delay.sh ${DIFF_TCREC} ${DIFF_PCAPMUT} ${trace})
  add_test(NAME diff_mixed_${name}
    COMMAND bash ${DIFF_TEST_DIR}/mixed.sh ${DIFF_TCREC} ${DIFF_GEN} ${trace})
  set_tests_properties(diff_groundtruth_${name} diff_delay_${name} diff_mixed_${name}
    PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS diff)
  tcrec_label_tests(${label} diff_groundtruth_${name} diff_delay_${name} diff_mixed_${name})
endforeach()

foreach(trace ${TCREC_TRACE_VLAN} ${TCREC_TRACE_MIXED})
  tcrec_trace_case(${trace} name label)
  add_test(NAME diff_cli_${name}
    COMMAND bash ${DIFF_TEST_DIR}/cli.sh ${DIFF_TCREC} ${DIFF_PCAPMUT} ${DIFF_GEN} ${trace})
  set_tests_properties(diff_cli_${name} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS diff)
endforeach()

foreach(trace ${TCREC_TRACE_FRAG} ${TCREC_TRACE_MIXED} ${TCREC_TRACE_VLAN})
  tcrec_trace_case(${trace} name label)
  add_test(NAME diff_robust_${name}
    COMMAND bash ${DIFF_TEST_DIR}/robust.sh ${DIFF_TCREC} ${trace})
  set_tests_properties(diff_robust_${name} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS diff)
endforeach()

# Live: ns1 -- router -- ns2, random loss by an nftables rule with a counter.
# capture=pcap: tcpdump on both router interfaces; capture=tcrec: tcrec
# record on both, plus tcpdump next to it for the mixed-input check.
# (tests/e2e's hookctl tells when tcrec's programs are on the hooks.)
add_test(NAME diff_live_pcap
  COMMAND bash ${DIFF_TEST_DIR}/live.sh ${DIFF_TCREC} $<TARGET_FILE:udpflood> pcap)
add_test(NAME diff_live_tcrec
  COMMAND bash ${DIFF_TEST_DIR}/live.sh ${DIFF_TCREC} $<TARGET_FILE:udpflood> tcrec
          $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(diff_live_pcap diff_live_tcrec PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS "diff;live" RUN_SERIAL TRUE)

# Look-alike packets by the thousand, and a crafted log of them: paired in
# order, in time linear in the packets.
add_test(NAME diff_lookalike
  COMMAND bash ${DIFF_TEST_DIR}/lookalike.sh ${DIFF_TCREC} ${DIFF_GEN})
# Memory bounded by the window, not by the number of flows.
add_test(NAME diff_flows_bounded
  COMMAND bash ${DIFF_TEST_DIR}/flows_bounded.sh ${DIFF_TCREC})
set_tests_properties(diff_lookalike diff_flows_bounded PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS diff TIMEOUT 120)

# Inputs cut short: read up to the cut, warn, exit 1.
foreach(trace ${TCREC_TRACE_MIXED} ${TCREC_TRACE_DNS})
  tcrec_trace_case(${trace} name label)
  add_test(NAME diff_truncated_${name}
    COMMAND bash ${DIFF_TEST_DIR}/truncated.sh ${DIFF_TCREC} ${DIFF_GEN} ${trace})
  set_tests_properties(diff_truncated_${name} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS diff)
endforeach()

add_test(NAME diff_bench_smoke
  COMMAND bash ${DIFF_TEST_DIR}/bench_diff.sh ${DIFF_TCREC} ${DIFF_PCAPMUT} ${DIFF_GEN}
          ${TCREC_TRACE_MIXED} 20000)
set_tests_properties(diff_bench_smoke PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS "diff;bench")
