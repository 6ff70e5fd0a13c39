# What `cmake --install` puts where, and the Debian package (CPack). The
# systemd unit gets the installed paths; the default configuration and the
# reference data go to SORTTP_ETC_DIR/sorttp. scripts/deb.sh builds the
# package with prefix /usr, SORTTP_ETC_DIR=/etc and the unit in
# /lib/systemd/system.
include(GNUInstallDirs)

set(SORTTP_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "Where the systemd unit is installed (relative to the prefix, or absolute)")
set(SORTTP_ETC_DIR "${CMAKE_INSTALL_SYSCONFDIR}" CACHE STRING
    "Where sorttp/ with the configuration goes (relative to the prefix, or absolute)")
if(IS_ABSOLUTE "${SORTTP_ETC_DIR}")
  set(SORTTP_FULL_SYSCONFDIR "${SORTTP_ETC_DIR}")
else()
  set(SORTTP_FULL_SYSCONFDIR "${CMAKE_INSTALL_PREFIX}/${SORTTP_ETC_DIR}")
endif()
set(SORTTP_FULL_BINDIR "${CMAKE_INSTALL_FULL_BINDIR}")
configure_file(${CMAKE_SOURCE_DIR}/dist/sorttp.service.in
               ${CMAKE_BINARY_DIR}/sorttp.service @ONLY)

# Man pages compressed, as Debian installs them (gzip -n: reproducible).
set(SORTTP_MAN_GZ)
foreach(page sorttp.8 sorttp.json.5)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/${page}.gz
    COMMAND gzip -9nc ${CMAKE_SOURCE_DIR}/man/${page} > ${CMAKE_BINARY_DIR}/${page}.gz
    DEPENDS ${CMAKE_SOURCE_DIR}/man/${page} VERBATIM)
  list(APPEND SORTTP_MAN_GZ ${CMAKE_BINARY_DIR}/${page}.gz)
endforeach()
add_custom_target(sorttp_man ALL DEPENDS ${SORTTP_MAN_GZ})

install(TARGETS sorttp RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_BINARY_DIR}/sorttp.service
        DESTINATION ${SORTTP_SYSTEMD_UNIT_DIR})
install(FILES config/sorttp.json config/gemeenten.json
        DESTINATION ${SORTTP_ETC_DIR}/sorttp)
install(DIRECTORY config/questionnaires
        DESTINATION ${SORTTP_ETC_DIR}/sorttp)
install(FILES ${CMAKE_BINARY_DIR}/sorttp.8.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CMAKE_BINARY_DIR}/sorttp.json.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# The Debian package: documentation files Debian policy asks for.
set(SORTTP_VERSION ${PROJECT_VERSION})
configure_file(${CMAKE_SOURCE_DIR}/dist/deb/changelog.Debian
               ${CMAKE_BINARY_DIR}/changelog.Debian @ONLY)
add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/changelog.Debian.gz
  COMMAND gzip -9nc ${CMAKE_BINARY_DIR}/changelog.Debian > ${CMAKE_BINARY_DIR}/changelog.Debian.gz
  DEPENDS ${CMAKE_BINARY_DIR}/changelog.Debian VERBATIM)
add_custom_target(sorttp_debdoc ALL DEPENDS ${CMAKE_BINARY_DIR}/changelog.Debian.gz)
install(FILES dist/deb/copyright ${CMAKE_BINARY_DIR}/changelog.Debian.gz
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/sorttp)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME sorttp)
set(CPACK_PACKAGE_VENDOR "sorttp")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "trusted third party for outcome monitoring in Dutch youth care")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "sorttp receives GAS and probleemafname scores, CEM+ questionnaires and
iJw messages, replaces every client identifier by a keyed-hash pseudonym
in memory, and answers only aggregated indicators after disclosure
control. It runs as a sandboxed systemd service.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "sorttp maintainers <sorttp@example.nl>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_SET_DESTDIR ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libxlsxwriter4")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/dist/deb/postinst ${CMAKE_SOURCE_DIR}/dist/deb/prerm
    ${CMAKE_SOURCE_DIR}/dist/deb/postrm ${CMAKE_SOURCE_DIR}/dist/deb/conffiles)
include(CPack)
