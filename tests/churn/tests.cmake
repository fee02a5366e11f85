# Namespaces and interfaces that come and go while one recorder runs with
# --netns all -i any; tcpdump on every interface is the oracle.
add_test(NAME churn_netns
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/netns_churn.sh $<TARGET_FILE:tcrec>
          $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(churn_netns PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
  TIMEOUT 120 LABELS "e2e;netns" RESOURCE_LOCK e2e_net)
