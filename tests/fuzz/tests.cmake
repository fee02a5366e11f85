# libFuzzer targets for hostile input: the log reader, the pcap/pcapng input
# of print/diff, the typed option parsers. -DTCREC_FUZZ=ON (with CC=clang)
# builds them; tests/fuzz/run.sh TARGET SECONDS runs one, building them in a
# clang build dir of its own when the current build is not one.
option(TCREC_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
set(FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FUZZ_TARGETS tclog_reader pcap_input cli_args)

if(TCREC_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TCREC_FUZZ needs clang: configure with CC=clang")
  endif()
  set(FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  file(GLOB FUZZ_FORMATS_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/formats/*.c)
  # The code under test carries the coverage hooks; only the drivers link
  # libFuzzer's main.
  add_library(fuzz_code OBJECT ${FUZZ_FORMATS_SRC}
    ${PROJECT_SOURCE_DIR}/recorder/cli.c ${PROJECT_SOURCE_DIR}/recorder/time_arg.c
    ${PROJECT_SOURCE_DIR}/recorder/diff_source.c
    ${PROJECT_SOURCE_DIR}/recorder/diff_key.c ${PROJECT_SOURCE_DIR}/recorder/log_input.c)
  target_include_directories(fuzz_code PRIVATE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/recorder)
  # clang, unlike gcc, flags vfprintf(fmt, ap) in a format-checked wrapper
  target_compile_options(fuzz_code PRIVATE ${TCREC_WARNINGS} -Wno-format-nonliteral
    -fsanitize=fuzzer-no-link ${FUZZ_SAN})
  target_link_libraries(fuzz_code PUBLIC PkgConfig::ZSTD PkgConfig::PCAP)
  foreach(t ${FUZZ_TARGETS})
    add_executable(fuzz_${t} ${FUZZ_DIR}/fuzz_${t}.c $<TARGET_OBJECTS:fuzz_code>)
    target_include_directories(fuzz_${t} PRIVATE ${PROJECT_SOURCE_DIR})
    target_compile_options(fuzz_${t} PRIVATE ${TCREC_WARNINGS} -fsanitize=fuzzer ${FUZZ_SAN})
    target_link_options(fuzz_${t} PRIVATE -fsanitize=fuzzer ${FUZZ_SAN})
    target_link_libraries(fuzz_${t} PRIVATE PkgConfig::ZSTD PkgConfig::PCAP m)
  endforeach()
  set(FUZZ_BUILD ${CMAKE_BINARY_DIR})
else()
  set(FUZZ_BUILD ${CMAKE_BINARY_DIR}/fuzz)
endif()

# A run of each, the corpus (seeds and kept crashers) replayed first.
set(TCREC_FUZZ_SECONDS 60 CACHE STRING "Seconds each fuzz target runs in ctest")
foreach(t ${FUZZ_TARGETS})
  add_test(NAME fuzz.${t} COMMAND bash ${FUZZ_DIR}/run.sh ${t} ${TCREC_FUZZ_SECONDS})
  set_tests_properties(fuzz.${t} PROPERTIES LABELS fuzz SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
    TIMEOUT 900 ENVIRONMENT "TCREC_FUZZ_BUILD=${FUZZ_BUILD}" RESOURCE_LOCK fuzz_build)
endforeach()
