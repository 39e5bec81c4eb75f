# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# CPack: `cpack -G DEB` in a build tree makes queuedeck_<version>_<arch>.deb from the install rules (the two
# apps and resources/). scripts/package builds it from the release preset; tests/app/packaging.cmake checks it.
set(CPACK_PACKAGE_NAME queuedeck)
set(CPACK_PACKAGE_VENDOR "Queuedeck contributors")
set(CPACK_PACKAGE_CONTACT "Queuedeck contributors <queuedeck@example.org>")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/queuedeck/queuedeck")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "desktop dashboard for job and message queues")
set(CPACK_PACKAGE_INSTALL_DIRECTORY ${CPACK_PACKAGE_NAME})
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CHECKSUM SHA256)
# dpkg wants 0755 directories whatever the umask of whoever builds the package.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${CPACK_PACKAGE_CONTACT})
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${CPACK_PACKAGE_HOMEPAGE_URL})
# The long description below the summary; CPack indents it and turns empty lines into " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Queuedeck shows the live depth, the age of the oldest job, the throughput and
the worker status of every queue it finds, says how fresh every number is and
never shows zero when the truth is unknown. It reads Delayed::Job (SQLite,
PostgreSQL), Sidekiq, BullMQ, RQ and Celery on Redis, and RabbitMQ.

Alerts with hold times and webhooks, a job browser with confirmed
retry/cancel/move, resumable bulk actions, an audit log and an incident
timeline. queuedeckctl offers the same data headless for scripts, cron and
Nagios/Icinga checks. queuedeck --demo runs a built-in demo.")
# dpkg-shlibdeps finds the Qt, QtKeychain, hiredis and yaml-cpp libraries the binaries link. It cannot see the
# plugins Qt loads at run time: the SQL drivers (history store, Delayed::Job) and the SVG icon engine.
# The xcb platform plugin ships in libqt6gui6 on Debian 12, which shlibdeps finds.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, libqt6svg6")
# Native windows in a Wayland session; without it Qt falls back to XWayland.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS qt6-wayland)

include(CPack)
