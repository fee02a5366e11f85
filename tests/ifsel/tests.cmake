# Interfaces identified by namespace on the reading side (print, stats,
# export, diff, --interface), on a v2 log with two namespaces that ns_log
# writes without the kernel; tshark reads the exports.
set(IFSEL_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(ns_log ${IFSEL_DIR}/ns_log.c)
target_include_directories(ns_log PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_options(ns_log PRIVATE ${TCREC_WARNINGS})
target_link_libraries(ns_log PRIVATE tcrec_formats PkgConfig::PCAP)
add_test(NAME readers_ifsel
  COMMAND bash ${IFSEL_DIR}/ifsel.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:ns_log> ${TCREC_TRACE_DNS})
set_tests_properties(readers_ifsel PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 120 LABELS readers)
