# tcrec as a Wireshark extcap, driven by tshark itself (tests/extcap/live.sh).
add_test(NAME extcap.tshark_live COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/live.sh
  $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
set_tests_properties(extcap.tshark_live PROPERTIES LABELS "extcap;e2e"
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 240 RESOURCE_LOCK e2e_net)
# Wrong extcap calls: one line, the right exit status, nothing on stdout.
add_test(NAME extcap.bad_input COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/bad_input.sh $<TARGET_FILE:tcrec>)
set_tests_properties(extcap.bad_input PROPERTIES LABELS extcap)
