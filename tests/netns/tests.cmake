# The link watcher against the kernel's own view: namespaces, veths and
# links the tests make and delete, with `ip -j link` in each namespace as
# the oracle. Root only (exit 77 otherwise).
set(NETNS_DIR ${CMAKE_CURRENT_LIST_DIR})
add_executable(netns_watch_driver ${NETNS_DIR}/watch_driver.c)
target_compile_options(netns_watch_driver PRIVATE ${TCREC_WARNINGS})
target_link_libraries(netns_watch_driver PRIVATE tcrec_core)

set(NETNS_TESTS)
foreach(case own named all moved fds)
  add_test(NAME netns_watch_${case}
    COMMAND bash ${NETNS_DIR}/watch.sh $<TARGET_FILE:netns_watch_driver> ${case})
  list(APPEND NETNS_TESTS netns_watch_${case})
endforeach()
add_test(NAME netns_watch_container
  COMMAND bash ${NETNS_DIR}/watch_container.sh $<TARGET_FILE:netns_watch_driver>)
list(APPEND NETNS_TESTS netns_watch_container)
add_test(NAME netns_interfaces_json
  COMMAND bash ${NETNS_DIR}/interfaces_json.sh $<TARGET_FILE:tcrec>)
list(APPEND NETNS_TESTS netns_interfaces_json)
set_tests_properties(${NETNS_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 60 LABELS e2e RESOURCE_LOCK e2e_net)
