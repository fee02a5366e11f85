# The pictures of stats --plot and diff --plot, rendered by rsvg-convert and
# checked against the numbers the commands print (plots.sh, svg_check.py).
add_test(NAME readers_plot_stats COMMAND bash ${READERS_DIR}/plots.sh stats ${READERS_TCREC} ${READERS_GEN}
  ${TCREC_TRACE_BULK} ${TCREC_TRACE_MIXED})
add_test(NAME readers_plot_diff COMMAND bash ${READERS_DIR}/plots.sh diff ${READERS_TCREC} ${READERS_GEN}
  ${TCREC_TRACE_MIXED})
set_tests_properties(readers_plot_stats readers_plot_diff PROPERTIES SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 120
  LABELS readers)
