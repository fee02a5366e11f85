# Run by `cmake --install`: the files whose place depends on the install
# prefix, which may be given only then (cmake --install BUILD --prefix /usr).
# Set before it (recorder/CMakeLists.txt): TCREC_BINDIR, TCREC_DATADIR,
# TCREC_UNIT_SOURCE, TCREC_COMPLETION_SOURCE, TCREC_STAGE,
# TCREC_BASH_COMPLETION_DIR, TCREC_EXTCAP_DIR. file(INSTALL) adds DESTDIR and
# lists each file in install_manifest.txt.
string(REGEX REPLACE "(.)/+$" "\\1" prefix "${CMAKE_INSTALL_PREFIX}")
if(IS_ABSOLUTE "${TCREC_BINDIR}")
  set(bindir "${TCREC_BINDIR}")
else()
  set(bindir "${prefix}/${TCREC_BINDIR}")
endif()
# A stage of this install's own: two installs of one build may run at once.
string(RANDOM LENGTH 12 tag)
set(stage "${TCREC_STAGE}/${tag}")
file(MAKE_DIRECTORY "${stage}")

# The systemd unit runs the binary this install put in place.
file(READ "${TCREC_UNIT_SOURCE}" unit)
string(REGEX REPLACE "ExecStart=[^ \n]*/tcrec " "ExecStart=${bindir}/tcrec " unit "${unit}")
file(WRITE "${stage}/tcrec@.service" "${unit}")
file(INSTALL "${stage}/tcrec@.service" DESTINATION "${prefix}/lib/systemd/system")

# Bash completion: where bash-completion loads it on demand. With prefix
# /usr that is the system's own folder (pkg-config bash-completion).
if(prefix STREQUAL "/usr" AND TCREC_BASH_COMPLETION_DIR)
  set(compdir "${TCREC_BASH_COMPLETION_DIR}")
else()
  set(compdir "${prefix}/${TCREC_DATADIR}/bash-completion/completions")
endif()
file(INSTALL "${TCREC_COMPLETION_SOURCE}" DESTINATION "${compdir}")

# Wireshark's extcap link, relative so that it leads to this install's
# binary under DESTDIR too (and in a package).
if(IS_ABSOLUTE "${TCREC_EXTCAP_DIR}")
  set(extcapdir "${TCREC_EXTCAP_DIR}")
else()
  set(extcapdir "${prefix}/${TCREC_EXTCAP_DIR}")
endif()
file(RELATIVE_PATH link_target "${extcapdir}" "${bindir}/tcrec")
file(CREATE_LINK "${link_target}" "${stage}/tcrec" SYMBOLIC)
file(INSTALL "${stage}/tcrec" DESTINATION "${extcapdir}")

file(REMOVE_RECURSE "${stage}")
