# Capture side: L3 devices, ring-buffer accounting, a running tcrec's clsact
# filter, two interfaces at once, on devices the tests make themselves. Root and BPF needed; they exit
# 77 (skipped) otherwise.
set(CAPTURE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/capture)
add_test(NAME capture_l3_tun
  COMMAND bash ${CAPTURE_DIR}/l3_tun.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
add_test(NAME capture_ring_drops
  COMMAND bash ${CAPTURE_DIR}/ring_drops.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>
          ${TCREC_TRACE_BULK})
add_test(NAME capture_tc_live
  COMMAND bash ${CAPTURE_DIR}/tc_live.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>
          ${TCREC_TRACE_DNS})
add_test(NAME capture_two_ifaces
  COMMAND bash ${CAPTURE_DIR}/two_ifaces.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>
          ${TCREC_TRACE_DNS} ${TCREC_TRACE_VLAN})
set_tests_properties(capture_l3_tun capture_ring_drops capture_tc_live capture_two_ifaces PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 120 LABELS "capture;root" RESOURCE_LOCK e2e_net)
