# Export: pcap/pcapng writers, header synthesis, `tcrec export`, `-w -`.
set(EXPORT_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})

add_executable(trace_convert ${EXPORT_TEST_DIR}/trace_convert.c)
target_include_directories(trace_convert PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(trace_convert PRIVATE ${TCREC_WARNINGS})
target_link_libraries(trace_convert PRIVATE tcrec_formats PkgConfig::PCAP)

add_executable(trace_to_log ${EXPORT_TEST_DIR}/trace_to_log.c)
target_include_directories(trace_to_log PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(trace_to_log PRIVATE ${TCREC_WARNINGS})
target_link_libraries(trace_to_log PRIVATE tcrec_formats PkgConfig::PCAP)

# Per trace directory (the corpus; the extra traces when given).
set(EXPORT_OFFLINE_TESTS)
foreach(dir ${TCREC_TRACE_DIRS})
  tcrec_trace_case(${dir} name label)
  add_test(NAME export_synth_vs_tshark_${name}
    COMMAND bash ${EXPORT_TEST_DIR}/synth_vs_tshark.sh ${dir} $<TARGET_FILE:trace_convert>)
  add_test(NAME export_writers_${name}
    COMMAND bash ${EXPORT_TEST_DIR}/writers.sh ${dir} $<TARGET_FILE:trace_convert>)
  add_test(NAME export_logs_${name}
    COMMAND bash ${EXPORT_TEST_DIR}/export_logs.sh ${dir} $<TARGET_FILE:tcrec> $<TARGET_FILE:trace_to_log>)
  add_test(NAME export_filter_${name}
    COMMAND bash ${EXPORT_TEST_DIR}/export_filter.sh ${dir} $<TARGET_FILE:tcrec> $<TARGET_FILE:trace_to_log>)
  list(APPEND EXPORT_OFFLINE_TESTS export_synth_vs_tshark_${name} export_writers_${name}
    export_logs_${name} export_filter_${name})
  tcrec_label_tests(${label} export_synth_vs_tshark_${name} export_writers_${name}
    export_logs_${name} export_filter_${name})
endforeach()
add_test(NAME export_merge
  COMMAND bash ${EXPORT_TEST_DIR}/export_merge.sh ${TCREC_TRACE_BULK} ${TCREC_TRACE_SHORT}
          $<TARGET_FILE:tcrec> $<TARGET_FILE:trace_to_log>)
add_test(NAME export_range
  COMMAND bash ${EXPORT_TEST_DIR}/export_range.sh ${TCREC_TRACE_MIXED} $<TARGET_FILE:tcrec> $<TARGET_FILE:trace_to_log>)
add_test(NAME export_cli
  COMMAND bash ${EXPORT_TEST_DIR}/export_cli.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:trace_to_log> ${TCREC_TRACE_DNS})
set_tests_properties(${EXPORT_OFFLINE_TESTS} export_merge export_range export_cli
  PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE})

# End to end through a veth (root, BPF): per trace, metadata only and -s 256.
if(TARGET e2e_hookctl)
  foreach(trace ${TCREC_WIRE_TRACES})
    tcrec_trace_case(${trace} name label)
    foreach(snap meta 256)
      if(snap STREQUAL "meta")
        set(arg -)
      else()
        set(arg ${snap})
      endif()
      add_test(NAME export_e2e_${name}_${snap}
        COMMAND bash ${EXPORT_TEST_DIR}/e2e_export.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl> ${trace} ${arg})
      set_tests_properties(export_e2e_${name}_${snap} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS e2e)
      tcrec_label_tests(${label} export_e2e_${name}_${snap})
    endforeach()
  endforeach()
  add_executable(export_burst ${EXPORT_TEST_DIR}/burst.c)
  target_compile_options(export_burst PRIVATE ${TCREC_WARNINGS})
  target_link_libraries(export_burst PRIVATE PkgConfig::LIBBPF)
  add_test(NAME export_drops
    COMMAND bash ${EXPORT_TEST_DIR}/drops.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl> $<TARGET_FILE:export_burst>)
  set_tests_properties(export_drops PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS e2e)
  add_test(NAME export_stream
    COMMAND bash ${EXPORT_TEST_DIR}/stream.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl> ${TCREC_TRACE_MIXED})
  add_test(NAME export_two_ifaces
    COMMAND bash ${EXPORT_TEST_DIR}/two_ifaces.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl> ${TCREC_TRACE_DNS})
  set_tests_properties(export_stream export_two_ifaces PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} LABELS e2e)
endif()

add_executable(synth_fuzz ${EXPORT_TEST_DIR}/synth_fuzz.c)
target_include_directories(synth_fuzz PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(synth_fuzz PRIVATE ${TCREC_WARNINGS})
target_link_libraries(synth_fuzz PRIVATE tcrec_formats)
add_test(NAME export_synth_fuzz COMMAND synth_fuzz 1000000)
set_tests_properties(export_synth_fuzz PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE})
