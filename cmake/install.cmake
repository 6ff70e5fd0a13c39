# What `cmake --install` puts where, and the Debian package (CPack). The
# systemd unit gets the installed paths; the default configuration and the
# reference data go to SYSCONFDIR/sorttp (/etc/sorttp for prefix /usr).
include(GNUInstallDirs)

set(SORTTP_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit is installed (relative to the prefix, or absolute)")
set(SORTTP_FULL_BINDIR "${CMAKE_INSTALL_FULL_BINDIR}")
set(SORTTP_FULL_SYSCONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}")
configure_file(${CMAKE_SOURCE_DIR}/dist/sorttp.service.in
               ${CMAKE_BINARY_DIR}/sorttp.service @ONLY)

install(TARGETS sorttp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_BINARY_DIR}/sorttp.service
        DESTINATION ${SORTTP_SYSTEMD_UNIT_DIR})
install(FILES config/sorttp.json config/gemeenten.json
        DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/sorttp)
install(DIRECTORY config/questionnaires
        DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/sorttp)
install(FILES man/sorttp.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES man/sorttp.json.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
