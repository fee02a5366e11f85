# The command layer: one help layout and one way to report a bad option for
# every command; the code shape limits of the sources (file and function
# length, the command-line header only under recorder/cli/).
add_test(NAME cli_help_layout COMMAND ${CMAKE_CURRENT_LIST_DIR}/help_layout.sh $<TARGET_FILE:tcrec>)
add_test(NAME code_shape COMMAND ${TCREC_PYTHON3} ${PROJECT_SOURCE_DIR}/tests/tools/code_shape.py
  ${PROJECT_SOURCE_DIR})
set_tests_properties(cli_help_layout code_shape PROPERTIES LABELS unit)
add_test(NAME cli_record_where COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/record_where.sh $<TARGET_FILE:tcrec>)
set_tests_properties(cli_record_where PROPERTIES LABELS cli)
