# Process attribution against ground truth: processes the tests start
# themselves (python3 UDP and HTTP, iperf3 with its server started before
# the recording, ping, a busybox container), in namespaces they make; every
# packet's pid, comm, uid (and container, cgroup) is scored by score.py,
# with tcpdump at the same time as the oracle that no packet is missing.
set(ATTRIB_DIR ${CMAKE_CURRENT_LIST_DIR})
add_test(NAME attrib_score COMMAND ${TCREC_PYTHON3} ${ATTRIB_DIR}/score_selftest.py)
set_tests_properties(attrib_score PROPERTIES LABELS unit)
add_test(NAME attrib_netns
  COMMAND bash ${ATTRIB_DIR}/netns_truth.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
add_test(NAME attrib_container
  COMMAND bash ${ATTRIB_DIR}/container_truth.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(attrib_netns attrib_container PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
  TIMEOUT 120 LABELS "e2e;netns" RESOURCE_LOCK e2e_net)
