# record --metrics / --metrics-file against Prometheus' own checker (promtool,
# taken from Debian's prometheus package without installing it), curl, and
# tcpdump on the same veth. Root and BPF needed; skipped (77) otherwise.
set(METRICS_DIR ${CMAKE_CURRENT_LIST_DIR})
set(METRICS_TOOLS ${CMAKE_CURRENT_BINARY_DIR}/metrics-tools)
add_test(NAME metrics.scrape
  COMMAND bash ${METRICS_DIR}/scrape.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>
    ${METRICS_TOOLS})
add_test(NAME metrics.start_errors
  COMMAND bash ${METRICS_DIR}/start_errors.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(metrics.scrape metrics.start_errors PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 180 LABELS "metrics;e2e;root"
  RESOURCE_LOCK e2e_net)
