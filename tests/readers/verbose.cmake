# `tcrec print -v`, -vv and -q against tcpdump on each corpus trace.
#
# readers_verbose_s0_*: logs of whole packets. Every IPv4 and IPv6 header
#   -v prints must be tcpdump's; the packets tcpdump prints alike once the
#   payloads it decodes (DNS, HTTP, NFS, ...) are cut after the transport
#   summary must be at least the share given per trace.
# readers_verbose_*: metadata-only logs, the same once tcpdump's output is
#   cut of what only the bytes hold (print --help, "Differences from
#   tcpdump:"): checksums, IP and TCP options, extension header names, what
#   tcpdump prints on tab-indented lines.
# readers_verbose_lines_*: tcpdump's lines, every one counted, through the
#   reading flags' harness (its share rises as payload decoding is added).
# The shares are what tcrec reaches on the corpus; the packets below them are
# protocols tcrec does not decode (CDP, STP, LLDP, SCTP chunks, GRE, IGMP),
# DNS as tcpdump -v words it (the question in answers, the answers' names),
# in metadata-only logs also headers the capture cut or a chain of IPv6
# extension headers longer than the record follows; without -e print names
# VLAN tags, which tcpdump does not (the lines' harness counts that).
set(VERBOSE_SETS --flags -v --flags -vv --flags -q --flags "-q -v")
set(VERBOSE_S0_bulk 1.0)
set(VERBOSE_S0_dns 0.63)
set(VERBOSE_S0_frag 1.0)
set(VERBOSE_S0_mixed 0.98)
set(VERBOSE_S0_short-flows 0.94)
set(VERBOSE_S0_vlan 0.94)
set(VERBOSE_S0_edge 0.93)
set(VERBOSE_META_bulk 1.0)
set(VERBOSE_META_dns 1.0)
set(VERBOSE_META_frag 0.98)
set(VERBOSE_META_mixed 0.97)
set(VERBOSE_META_short-flows 1.0)
set(VERBOSE_META_vlan 0.94)
set(VERBOSE_META_edge 0.98)
set(VERBOSE_LINES_bulk 1.0)
set(VERBOSE_LINES_dns 0.79)
set(VERBOSE_LINES_frag 0.99)
set(VERBOSE_LINES_mixed 0.91)
set(VERBOSE_LINES_short-flows 0.69)
set(VERBOSE_LINES_vlan 0.0)
set(VERBOSE_LINES_edge 0.88)
set(VERBOSE_TESTS)
foreach(trace ${TCREC_OFFLINE_TRACES})
  tcrec_trace_case(${trace} name label)
  set(args --tcrec ${READERS_TCREC} --gen ${READERS_GEN} --trace ${trace} ${VERBOSE_SETS})
  foreach(kind S0 META LINES)
    # a trace the corpus does not hold (an extra trace): no share asked
    if(NOT DEFINED VERBOSE_${kind}_${name})
      set(VERBOSE_${kind}_${name} 0)
    endif()
  endforeach()
  add_test(NAME readers_verbose_s0_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/verbose_meta.py ${args} --snap 0
      --min-share ${VERBOSE_S0_${name}})
  add_test(NAME readers_verbose_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/verbose_meta.py ${args}
      --min-share ${VERBOSE_META_${name}})
  add_test(NAME readers_verbose_lines_${name}
    COMMAND ${READERS_PYTHON3} ${READERS_DIR}/flags_vs_tcpdump.py ${args}
      --min-share ${VERBOSE_LINES_${name}})
  list(APPEND VERBOSE_TESTS readers_verbose_s0_${name} readers_verbose_${name}
    readers_verbose_lines_${name})
  tcrec_label_tests(${label} readers_verbose_s0_${name} readers_verbose_${name}
    readers_verbose_lines_${name})
endforeach()
# Cases made for the wording (bad IP, TCP and ICMP checksums, an ICMP error
# quoting a GRE packet, AH, URG, cut headers), from make_edge_pcap.py.
set(args --tcrec ${READERS_TCREC} --gen ${READERS_GEN} --trace edge ${VERBOSE_SETS})
add_test(NAME readers_verbose_s0_wording
  COMMAND ${READERS_PYTHON3} ${READERS_DIR}/verbose_meta.py ${args} --snap 0 --min-share 0.91)
add_test(NAME readers_verbose_wording
  COMMAND ${READERS_PYTHON3} ${READERS_DIR}/verbose_meta.py ${args} --min-share 0.86)
list(APPEND VERBOSE_TESTS readers_verbose_s0_wording readers_verbose_wording)
set_tests_properties(${VERBOSE_TESTS} PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 300 LABELS readers)
