# Golden files for `tcrec print` text: corpus/<trace>.txt for every corpus
# trace (a missing one fails), extra/<trace>.txt for the extra traces when
# TCREC_EXTRA_TRACES is set. update.sh writes them only after oracle.py
# accounted for every line against tcpdump and tshark.
set(GOLDEN_DIR ${CMAKE_CURRENT_LIST_DIR})
foreach(trace ${TCREC_OFFLINE_TRACES})
  tcrec_trace_case(${trace} name label)
  if(label STREQUAL "extra")
    set(golden ${GOLDEN_DIR}/extra/${name}.txt)
  else()
    set(golden ${GOLDEN_DIR}/corpus/${name}.txt)
  endif()
  add_test(NAME golden_print_${name}
    COMMAND bash ${GOLDEN_DIR}/check.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:pcap2tclog> ${trace} ${golden})
  set_tests_properties(golden_print_${name} PROPERTIES LABELS readers)
  tcrec_label_tests(${label} golden_print_${name})
endforeach()
