# Containers from Debian's podman, built and started by the tests (a
# busybox-static image imported locally), recorded by name with tcpdump
# inside them and on the host-side veth as the oracles.
set(CONTAINERS_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(mode inside host_side restart restart_host)
  add_test(NAME containers_${mode}
    COMMAND bash ${CONTAINERS_DIR}/container_record.sh $<TARGET_FILE:tcrec>
            $<TARGET_FILE:e2e_hookctl> ${mode})
  set_tests_properties(containers_${mode} PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
    TIMEOUT 120 LABELS "e2e;netns" RESOURCE_LOCK e2e_net)
endforeach()
# A container on the host's network: --container keeps its packets by cgroup.
add_test(NAME containers_host_net
  COMMAND bash ${CONTAINERS_DIR}/host_net.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(containers_host_net PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
  TIMEOUT 120 LABELS "e2e;netns" RESOURCE_LOCK e2e_net)
