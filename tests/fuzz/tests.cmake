# libFuzzer targets for hostile input: the log reader, the pcap/pcapng input
# of print/diff, the typed option parsers, print's packet text, the JSON
# writer and filters on reading. -DTCREC_FUZZ=ON (with CC=clang) builds
# them; tests/fuzz/run.sh TARGET SECONDS runs one, building them in a clang
# build dir of its own when the current build is not one.
# -DTCREC_FUZZ_COVERAGE=ON as well builds them with source coverage and a
# main that replays inputs instead of libFuzzer (tests/fuzz/coverage.sh).
option(TCREC_FUZZ "Build the libFuzzer targets (needs clang)" OFF)
option(TCREC_FUZZ_COVERAGE "With TCREC_FUZZ: coverage build replaying inputs" OFF)
set(FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FUZZ_TARGETS tclog_reader pcap_input cli_args packet_text json_out read_filter capture_source)

if(TCREC_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TCREC_FUZZ needs clang: configure with CC=clang")
  endif()
  # Checksums pass in these builds only (formats/tclog_crc32c.h), so that
  # mutated bytes reach the decoders; the same name as every libFuzzer
  # project uses for that.
  set(FUZZ_DEFS FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION)
  if(TCREC_FUZZ_COVERAGE)
    set(FUZZ_CODE_FLAGS -fprofile-instr-generate -fcoverage-mapping)
    set(FUZZ_DRIVER_FLAGS ${FUZZ_CODE_FLAGS})
    set(FUZZ_LINK_FLAGS -fprofile-instr-generate)
    set(FUZZ_MAIN ${FUZZ_DIR}/replay_main.c)
  else()
    set(FUZZ_SAN -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
    set(FUZZ_CODE_FLAGS -fsanitize=fuzzer-no-link ${FUZZ_SAN})
    set(FUZZ_DRIVER_FLAGS -fsanitize=fuzzer ${FUZZ_SAN})
    set(FUZZ_LINK_FLAGS -fsanitize=fuzzer ${FUZZ_SAN})
    set(FUZZ_MAIN)
  endif()
  file(GLOB FUZZ_FORMATS_SRC CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/formats/*.c)
  # The code under test (the format library and the recorder's core
  # library, the same source lists) carries the coverage hooks; only the
  # drivers link libFuzzer's main.
  set(FUZZ_REC ${PROJECT_SOURCE_DIR}/recorder)
  add_library(fuzz_code STATIC ${FUZZ_FORMATS_SRC} ${TCREC_CORE_SOURCES} ${TCREC_CLI_LIB_SOURCES})
  target_include_directories(fuzz_code PUBLIC ${PROJECT_SOURCE_DIR} ${FUZZ_REC})
  target_compile_definitions(fuzz_code PUBLIC TCREC_VERSION="${PROJECT_VERSION}")
  target_compile_definitions(fuzz_code PRIVATE ${FUZZ_DEFS})
  # clang, unlike gcc, flags vfprintf(fmt, ap) in a format-checked wrapper
  target_compile_options(fuzz_code PRIVATE ${TCREC_WARNINGS} -Wno-format-nonliteral
    ${FUZZ_CODE_FLAGS})
  target_link_libraries(fuzz_code PUBLIC tcrec_capture_skel tcrec_owner_skel PkgConfig::LIBBPF PkgConfig::ZSTD PkgConfig::PCAP m)
  set(FUZZ_BUILT ${FUZZ_TARGETS})
  if(NOT TCREC_FUZZ_COVERAGE)
    # broken on purpose, for selftest.sh; not one of FUZZ_TARGETS
    list(APPEND FUZZ_BUILT selftest_leak)
  endif()
  foreach(t ${FUZZ_BUILT})
    add_executable(fuzz_${t} ${FUZZ_DIR}/fuzz_${t}.c ${FUZZ_MAIN})
    target_include_directories(fuzz_${t} PRIVATE ${PROJECT_SOURCE_DIR})
    target_compile_definitions(fuzz_${t} PRIVATE ${FUZZ_DEFS})
    target_compile_options(fuzz_${t} PRIVATE ${TCREC_WARNINGS} ${FUZZ_DRIVER_FLAGS})
    target_link_options(fuzz_${t} PRIVATE ${FUZZ_LINK_FLAGS})
    target_link_libraries(fuzz_${t} PRIVATE fuzz_code)
  endforeach()
  # Writes the seed corpora of tests/fuzz/corpus (make_seeds.sh).
  add_executable(fuzz_make_seeds EXCLUDE_FROM_ALL ${FUZZ_DIR}/make_seeds.c)
  target_include_directories(fuzz_make_seeds PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(fuzz_make_seeds PRIVATE ${TCREC_WARNINGS})
  target_link_libraries(fuzz_make_seeds PRIVATE tcrec_formats PkgConfig::PCAP)
  set(FUZZ_BUILD ${CMAKE_BINARY_DIR})
else()
  set(FUZZ_BUILD ${CMAKE_BINARY_DIR}/fuzz)
endif()

# A run of each, the corpus (seeds and kept crashers) replayed first.
set(TCREC_FUZZ_SECONDS 30 CACHE STRING
  "Seconds each fuzz target runs in ctest (longer runs: -DTCREC_FUZZ_SECONDS=600)")
set(FUZZ_RUNS)
foreach(t ${FUZZ_TARGETS})
  add_test(NAME fuzz.${t} COMMAND bash ${FUZZ_DIR}/run.sh ${t} ${TCREC_FUZZ_SECONDS})
  set_tests_properties(fuzz.${t} PROPERTIES LABELS fuzz SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
    TIMEOUT 900 ENVIRONMENT "TCREC_FUZZ_BUILD=${FUZZ_BUILD}" RESOURCE_LOCK fuzz_build)
  list(APPEND FUZZ_RUNS fuzz.${t})
endforeach()
# run.sh itself: a finding must fail, never pass or skip.
foreach(mode leak abort)
  add_test(NAME fuzz.selftest_${mode} COMMAND bash ${FUZZ_DIR}/selftest.sh ${mode})
  set_tests_properties(fuzz.selftest_${mode} PROPERTIES LABELS fuzz
    SKIP_RETURN_CODE ${TCREC_SKIP_CODE} TIMEOUT 600
    ENVIRONMENT "TCREC_FUZZ_BUILD=${FUZZ_BUILD}" RESOURCE_LOCK fuzz_build)
endforeach()
# Line coverage of each decoder reached by what the runs above kept.
add_test(NAME fuzz.coverage COMMAND bash ${FUZZ_DIR}/coverage.sh ${FUZZ_TARGETS})
set_tests_properties(fuzz.coverage PROPERTIES LABELS fuzz SKIP_RETURN_CODE ${TCREC_SKIP_CODE}
  TIMEOUT 900 DEPENDS "${FUZZ_RUNS}" RESOURCE_LOCK fuzz_build
  ENVIRONMENT "TCREC_FUZZ_BUILD=${FUZZ_BUILD};TCREC_FUZZ_COV_BUILD=${CMAKE_BINARY_DIR}/fuzz-cov")
