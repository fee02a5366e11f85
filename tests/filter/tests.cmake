# Filters: the cBPF -> eBPF translator against libpcap, and recording with
# an expression against tcpdump -r on replayed traces.
set(TCREC_FILTER_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(cbpf_difftest
  ${TCREC_FILTER_TEST_DIR}/cbpf_difftest.c
  ${TCREC_FILTER_TEST_DIR}/packets.c
  ${TCREC_FILTER_TEST_DIR}/randprog.c)
target_include_directories(cbpf_difftest PRIVATE ${TCREC_FILTER_TEST_DIR})
target_compile_options(cbpf_difftest PRIVATE ${TCREC_WARNINGS})
target_link_libraries(cbpf_difftest PRIVATE tcrec_core)


add_executable(capture_filter_test
  ${TCREC_FILTER_TEST_DIR}/capture_filter_test.c
  ${TCREC_FILTER_TEST_DIR}/packets.c)
target_include_directories(capture_filter_test PRIVATE ${TCREC_FILTER_TEST_DIR})
target_compile_options(capture_filter_test PRIVATE ${TCREC_WARNINGS})
target_link_libraries(capture_filter_test PRIVATE tcrec_core)

# Per trace directory (the corpus; the extra traces when given): every
# expression against libpcap's interpreter, through BPF_PROG_TEST_RUN, and
# recorded live against tcpdump -r.
foreach(dir ${TCREC_TRACE_DIRS})
  tcrec_trace_case(${dir} name label)
  add_test(NAME filter_cbpf_difftest_${name}
    COMMAND cbpf_difftest ${dir} ${TCREC_FILTER_TEST_DIR}/expressions.txt 3000 1)
  set_tests_properties(filter_cbpf_difftest_${name} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 600)
  add_test(NAME filter_capture_test_run_${name}
    COMMAND capture_filter_test ${dir} ${TCREC_FILTER_TEST_DIR}/expressions.txt)
  set_tests_properties(filter_capture_test_run_${name} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 600)
  add_test(NAME filter_kernel_replay_${name}
    COMMAND bash ${TCREC_FILTER_TEST_DIR}/kernel_replay.sh $<TARGET_FILE:tcrec> ${dir}
            ${TCREC_FILTER_TEST_DIR}/expressions.txt)
  # "long": minutes of replay whose user-space side (the drain loop) the
  # other live tests already run under the sanitizers.
  set_tests_properties(filter_kernel_replay_${name} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 900
    RUN_SERIAL TRUE LABELS long)
  tcrec_label_tests(${label} filter_cbpf_difftest_${name} filter_capture_test_run_${name}
    filter_kernel_replay_${name})
endforeach()

add_test(NAME filter_bad_expression
  COMMAND bash ${TCREC_FILTER_TEST_DIR}/bad_expression.sh $<TARGET_FILE:tcrec> ${TCREC_TRACE_VLAN})
set_tests_properties(filter_bad_expression PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE})

add_test(NAME filter_l3_device
  COMMAND bash ${TCREC_FILTER_TEST_DIR}/l3_device.sh $<TARGET_FILE:tcrec>)
set_tests_properties(filter_l3_device PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 300)
