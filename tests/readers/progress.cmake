# The progress line of stats, export and diff (issue 15): under a terminal
# script(1) makes, through a pipe, and forced on and off, on a log of about
# a million packets made from the bulk trace (fewer under the sanitizers).
set(READERS_PROGRESS_COPIES 200)
if(TCREC_SANITIZE)
  set(READERS_PROGRESS_COPIES 40)
endif()
add_test(NAME readers_progress
  COMMAND bash ${READERS_DIR}/progress.sh ${READERS_TCREC} ${READERS_GEN} ${READERS_PYTHON3}
    ${TCREC_TRACE_BULK} ${READERS_PROGRESS_COPIES})
set_tests_properties(readers_progress PROPERTIES
  SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 300 LABELS readers)
