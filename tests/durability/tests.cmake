# Rotation, durability and privileges of `tcrec record`, on namespaces the
# tests make themselves. Root and BPF needed; skipped (77) otherwise.
set(DUR_DIR ${CMAKE_CURRENT_LIST_DIR})
set(DUR_TESTS)
# symlink_output .. output_gone: the file-safety rules of `tcrec record`
# (README, "File safety"), each against an unprivileged user or an unlucky
# restart.
foreach(t rotate_size rotate_time diskfull privdrop kill9
          symlink_output unit_restart start_safety names_repeat output_gone)
  add_test(NAME durability.${t}
    COMMAND bash ${DUR_DIR}/${t}.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>)
  list(APPEND DUR_TESTS durability.${t})
endforeach()
set_tests_properties(${DUR_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 300 LABELS "durability;root" RESOURCE_LOCK e2e_net)

# Bit flips and cuts all over a log through `tcrec print` and `tcrec stats`
# (no kernel, no root).
# Hundreds of damaged logs through print and stats, ten times slower under
# the sanitizers: there every third position of each kind.
set(DUR_DAMAGE_STEP 1)
if(TCREC_SANITIZE)
  set(DUR_DAMAGE_STEP 3)
endif()
add_test(NAME durability.damage_cli
  COMMAND python3 ${DUR_DIR}/damage_cli.py $<TARGET_FILE:tcrec> $<TARGET_FILE:pcap2tclog>
          $<TARGET_FILE:tclog_dump> ${TCREC_TRACE_DNS} ${DUR_DAMAGE_STEP})
set_tests_properties(durability.damage_cli PROPERTIES TIMEOUT 600 LABELS durability)

# Two minutes under steady traffic with a -G 1 -C -W 5 ring: fds and RSS
# flat, 5 files left, equal to tcpdump in their window.
add_test(NAME durability.soak
  COMMAND bash ${DUR_DIR}/soak.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:e2e_hookctl>
          $<TARGET_FILE:udpflood>)
set_tests_properties(durability.soak PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 400 LABELS "durability;long")
