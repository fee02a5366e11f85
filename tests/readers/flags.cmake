# tcpdump's reading flags on `tcrec print` (-x -xx -X -XX -A, -t ... -ttttt,
# -e, -c, clusters), line for line against tcpdump -nn -S on each corpus
# trace: logs of whole packets and the trace itself, every dump line
# tcpdump's. The share of lines equal is printed per flag set (summaries
# still differ where tcpdump decodes payloads).
set(FLAGS_SETS -x -xx -X -XX -A -t -tt -ttt -tttt -ttttt -e "-c 5" "-XX -e" "-ttt -x" "-nnX -c 20"
  "-vv -X")
set(FLAGS_ARGS)
foreach(set ${FLAGS_SETS})
  list(APPEND FLAGS_ARGS --flags "${set}")
endforeach()
# Floors: the share of lines equal measured on each corpus trace, rounded
# down (vlan: print names VLAN tags without -e, tcpdump does not; -c 5 on
# short-flows stops inside an SCTP/HTTP exchange tcpdump decodes). Real
# traces (label extra) print their shares without a floor.
set(FLAGS_FLOOR_bulk 1.0)
set(FLAGS_FLOOR_dns 0.94)
set(FLAGS_FLOOR_frag 0.98)
set(FLAGS_FLOOR_mixed 0.93)
set(FLAGS_FLOOR_short-flows 0.6)
set(FLAGS_TESTS)
foreach(trace ${TCREC_OFFLINE_TRACES})
  tcrec_trace_case(${trace} name label)
  set(floor 0)
  if(DEFINED FLAGS_FLOOR_${name})
    set(floor ${FLAGS_FLOOR_${name}})
  endif()
  add_test(NAME readers_flags_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/flags_vs_tcpdump.py --tcrec ${READERS_TCREC}
      --gen ${READERS_GEN} --trace ${trace} --min-share ${floor} --all-dumps ${FLAGS_ARGS})
  # the trace itself, read as tcpdump reads it (lines without columns)
  add_test(NAME readers_flags_pcap_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/flags_vs_tcpdump.py --tcrec ${READERS_TCREC}
      --gen ${READERS_GEN} --trace ${trace} --input pcap --min-share ${floor} --all-dumps
      --flags -x --flags -XX --flags -A --flags -t --flags -tt --flags -ttt --flags -ttttt
      --flags "-e -c 5" --flags "-nnX -c 20")
  list(APPEND FLAGS_TESTS readers_flags_${name} readers_flags_pcap_${name})
  tcrec_label_tests(${label} readers_flags_${name} readers_flags_pcap_${name})
endforeach()
# Spans a day long and negative (-ttt, -ttttt), CR/LF in payloads (-A),
# frames cut in their link header, an 802.3 LLC frame: a pcap the harness
# writes.
add_test(NAME readers_flags_times
  COMMAND ${READERS_PYTHON3} ${READERS_DIR}/flags_vs_tcpdump.py --tcrec ${READERS_TCREC}
    --gen ${READERS_GEN} --trace times --min-share 0 --all-dumps ${FLAGS_ARGS} --flags -AA)
list(APPEND FLAGS_TESTS readers_flags_times)
# Capture files of other link types (cooked SLL/SLL2, raw IP) and a
# nanosecond pcap, read directly.
foreach(kind sll sll2 raw ns)
  add_test(NAME readers_flags_pcap_${kind}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/flags_vs_tcpdump.py --tcrec ${READERS_TCREC}
      --gen ${READERS_GEN} --trace ${TCREC_TRACE_VLAN} --make-as ${kind} --input pcap
      --min-share 0 --all-dumps --flags -x --flags -X --flags -A --flags -ttt --flags -tt)
  list(APPEND FLAGS_TESTS readers_flags_pcap_${kind})
endforeach()
# A metadata-only log has no bytes to dump: lines as without -x/-X/-A, and
# one note on stderr.
add_test(NAME readers_flags_no_bytes
  COMMAND ${READERS_PYTHON3} ${READERS_DIR}/flags_vs_tcpdump.py --tcrec ${READERS_TCREC}
    --gen ${READERS_GEN} --trace ${TCREC_TRACE_MIXED} --no-bytes --flags -X --flags -xx --flags -A)
list(APPEND FLAGS_TESTS readers_flags_no_bytes)
set_tests_properties(${FLAGS_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 300 LABELS readers)
# Bad flag values and a missing -r capture: one line, exit 2 or 1.
add_test(NAME readers_flags_bad_input COMMAND bash ${READERS_DIR}/bad_flags.sh ${READERS_TCREC})
set_tests_properties(readers_flags_bad_input PROPERTIES LABELS readers TIMEOUT 60)
