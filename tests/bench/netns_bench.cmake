# Interfaces and namespaces that come and go: the delay from creation to the
# first recorded packet, and RSS/fds over 500 namespace cycles (a table).
add_test(NAME bench.netns
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/netns_bench.sh $<TARGET_FILE:tcrec>
          $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(bench.netns PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
  TIMEOUT 600 LABELS "bench;netns" RUN_SERIAL TRUE)
