# Man pages, bash completion and `cmake --install`: the pages and the
# completion say every option each command's --help lists (so they cannot
# drift), man renders the pages without warnings, completion works when
# bash calls it, and an install puts exactly tcrec's files in place.
add_test(NAME docs.man_pages COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/man_pages.sh
  $<TARGET_FILE:tcrec> ${PROJECT_BINARY_DIR}/doc "${TCREC_SCDOC}")
add_test(NAME docs.completion COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/completion.sh
  $<TARGET_FILE:tcrec> ${PROJECT_SOURCE_DIR}/completions/tcrec)
add_test(NAME docs.install COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/install.sh
  ${CMAKE_COMMAND} ${PROJECT_BINARY_DIR} "${CMAKE_LIBRARY_ARCHITECTURE}" "${TCREC_SCDOC}")
set_tests_properties(docs.man_pages docs.completion docs.install PROPERTIES
  LABELS docs SKIP_RETURN_CODE ${TCREC_SKIP_CODE})
# it makes a namespace and a veth pair of its own
set_tests_properties(docs.completion PROPERTIES RESOURCE_LOCK e2e_net)
