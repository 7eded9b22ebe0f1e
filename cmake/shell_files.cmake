# What a shell user expects beside the tool, both made from the tool's own command-line
# definition when it is built: the man page (help2man over each command's --help:
# make_man_page.sh) and the bash completion script (`bottleneck completion`). Installed with it.
include(GNUInstallDirs)

set(bottleneck_completion ${PROJECT_BINARY_DIR}/bottleneck.bash-completion)
add_custom_command(OUTPUT ${bottleneck_completion}
  COMMAND sh -c "\"$1\" completion > \"$2.tmp\" && mv \"$2.tmp\" \"$2\"" sh $<TARGET_FILE:bottleneck> ${bottleneck_completion}
  DEPENDS bottleneck
  COMMENT "Generating the bash completion of bottleneck"
  VERBATIM)
add_custom_target(bottleneck_completion ALL DEPENDS ${bottleneck_completion})
install(FILES ${bottleneck_completion} RENAME bottleneck
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(bottleneck_man_page ${PROJECT_BINARY_DIR}/bottleneck.1)
  add_custom_command(OUTPUT ${bottleneck_man_page}
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/make_man_page.sh $<TARGET_FILE:bottleneck> ${PROJECT_VERSION} ${bottleneck_man_page}
    DEPENDS bottleneck ${CMAKE_CURRENT_LIST_DIR}/make_man_page.sh
    COMMENT "Generating the man page of bottleneck"
    VERBATIM)
  add_custom_target(bottleneck_man_page ALL DEPENDS ${bottleneck_man_page})
  install(FILES ${bottleneck_man_page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
else()
  message(WARNING "help2man not found: no man page (scripts/install-deps.sh installs it)")
endif()
