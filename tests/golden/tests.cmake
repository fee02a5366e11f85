# Golden files for `tcrec print` text on the shared traces (written by
# update.sh after the output agreed with tcpdump).
set(GOLDEN_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB GOLDEN_TRACES CONFIGURE_DEPENDS ${TCREC_TRACES_DIR}/*.pcap)
foreach(trace ${GOLDEN_TRACES})
  get_filename_component(name ${trace} NAME_WE)
  if(EXISTS ${GOLDEN_DIR}/${name}.txt)
    add_test(NAME golden_print_${name}
      COMMAND bash ${GOLDEN_DIR}/check.sh $<TARGET_FILE:tcrec> $<TARGET_FILE:pcap2tclog>
              ${trace} ${GOLDEN_DIR}/${name}.txt)
    set_tests_properties(golden_print_${name} PROPERTIES SKIP_RETURN_CODE 77 LABELS readers)
  endif()
endforeach()
