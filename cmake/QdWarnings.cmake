# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# qd_strict: one INTERFACE target every Queuedeck target links, carrying warnings and Qt strictness.
set(QD_SANITIZE "" CACHE STRING "Sanitizers to enable (e.g. address;undefined)")

add_library(qd_strict INTERFACE)
target_compile_options(qd_strict INTERFACE -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor
                                           -Wold-style-cast -Woverloaded-virtual)
if(DEFINED ENV{CI} AND NOT "$ENV{CI}" STREQUAL "" AND NOT "$ENV{CI}" STREQUAL "false")
    target_compile_options(qd_strict INTERFACE -Werror)
endif()
target_compile_definitions(qd_strict INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_NO_KEYWORDS
    QT_NO_FOREACH
    QT_DISABLE_DEPRECATED_UP_TO=0x060400)
if(QD_SANITIZE)
    list(JOIN QD_SANITIZE "," _qd_san)
    target_compile_options(qd_strict INTERFACE -fsanitize=${_qd_san} -fno-omit-frame-pointer)
    target_link_options(qd_strict INTERFACE -fsanitize=${_qd_san})
endif()
