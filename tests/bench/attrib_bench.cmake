# The cost of process attribution: bytes/packet on disk (live iperf3 and
# HTTP, corpus), BPF ns/packet in and out, drops, with attribution and with
# --no-process, beside tcpdump and no capture (a table, about 2 minutes).
add_test(NAME bench.attrib
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/attrib_bench.sh ${PROJECT_BINARY_DIR} ${TCREC_CORPUS_DIR})
set_tests_properties(bench.attrib PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
  TIMEOUT 400 LABELS bench RUN_SERIAL TRUE)
