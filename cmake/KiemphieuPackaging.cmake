# Install layout (GNUInstallDirs) and the two Debian packages CPack builds from it:
#   kiemphieu          the headless program (component "headless"): no widget library
#   kiemphieu-console  the Qt console (component "console"), which depends on the first
# `./run package` builds them; docs/packaging.md says how they are checked.
include(GNUInstallDirs)

# The address is a placeholder (example.org is reserved for that): whoever distributes the
# packages sets their own, here and in CHANGELOG.
set(KP_PACKAGE_MAINTAINER "kiemphieu developers <kiemphieu@example.org>" CACHE STRING "Maintainer field of the Debian packages")

# Every Debian package carries its own copyright file and changelog (a native package: the
# project's CHANGELOG is written in Debian's changelog format).
set(KP_CHANGELOG_GZ ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
file(MAKE_DIRECTORY ${PROJECT_BINARY_DIR}/packaging)
add_custom_command(OUTPUT ${KP_CHANGELOG_GZ}
  COMMAND gzip -9n -c ${PROJECT_SOURCE_DIR}/CHANGELOG > ${KP_CHANGELOG_GZ}
  DEPENDS ${PROJECT_SOURCE_DIR}/CHANGELOG
  VERBATIM)
add_custom_target(kp_package_documents ALL DEPENDS ${KP_CHANGELOG_GZ})

function(kp_install_package_documents package component)
  install(FILES ${PROJECT_SOURCE_DIR}/cmake/packaging/copyright ${KP_CHANGELOG_GZ}
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
endfunction()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kiemphieu)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${KP_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL headless console)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_HEADLESS_PACKAGE_NAME kiemphieu)
set(CPACK_DEBIAN_HEADLESS_PACKAGE_SECTION utils)
# The ballots and records are drawn with DejaVu Sans, read from its package at run time.
set(CPACK_DEBIAN_HEADLESS_PACKAGE_DEPENDS "fonts-dejavu-core")
set(CPACK_DEBIAN_HEADLESS_PACKAGE_SUGGESTS "kiemphieu-console, sane-utils, sane-airscan")
# CPack puts the project's one-line description (project() in CMakeLists.txt) first, as the
# synopsis of both packages; it indents these lines under it and turns the empty line into
# Debian's " ." (lines kept under 80 columns, as lintian wants).
set(KP_PACKAGE_ABOUT "kiemphieu counts the paper ballots of a party congress: it prints the
ballots of an election definition, reads every mark on the scanned sheets
(SANE, eSCL, USB or image files), applies the election rules, keeps every
scan and decision in a signed, hash-chained log that auditors verify and
replay, and writes the counting record (biên bản kiểm phiếu).
")
set(CPACK_DEBIAN_HEADLESS_DESCRIPTION "${KP_PACKAGE_ABOUT}
This package holds the headless program, kiemphieu: every command but the
console, with no display and no widget library.")

set(CPACK_DEBIAN_CONSOLE_PACKAGE_NAME kiemphieu-console)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_SECTION x11)
set(CPACK_DEBIAN_CONSOLE_PACKAGE_DEPENDS "kiemphieu (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_CONSOLE_DESCRIPTION "${KP_PACKAGE_ABOUT}
This package holds the Qt console, kiemphieu-console: the counting
station's screens (set-up, scanning, the committee's waiting ballots and
rulings, audit, the counting record), live results with a projector view
for the hall, and the observer's view of a station's signed results feed.")

include(CPack)
