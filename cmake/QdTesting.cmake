# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# qd_add_test(NAME tst_foo SOURCES tst_foo.cpp LIBS qdcore [LABELS backend] [TIMEOUT 120] [ENVIRONMENT K=V ...])
# One executable per test class, run offscreen, with test-mode standard paths set by the test itself. Headers are
# named from the source root like everywhere else: "tests/support/hostileserver.h" (test doubles and hostile
# servers, for fault injection only).
function(qd_add_test)
    cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS;ENVIRONMENT" ${ARGN})
    qt_add_executable(${T_NAME} ${T_SOURCES})
    target_link_libraries(${T_NAME} PRIVATE Qt6::Test qd_strict ${T_LIBS})
    target_compile_definitions(${T_NAME} PRIVATE QD_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    set_target_properties(${T_NAME} PROPERTIES WIN32_EXECUTABLE OFF MACOSX_BUNDLE OFF)
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 120)
    endif()
    set_tests_properties(${T_NAME} PROPERTIES
        TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QD_SOURCE_DIR=${PROJECT_SOURCE_DIR};${T_ENVIRONMENT}")
    if(T_LABELS)
        set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
    endif()
endfunction()

# Tests are listed by name; this fails the configure step when a tst_*.cpp in the calling directory is not listed,
# so a new test file cannot be silently left unbuilt.
function(qd_require_listed_tests)
    file(GLOB _present RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/tst_*.cpp)
    foreach(_file IN LISTS _present)
        get_filename_component(_name ${_file} NAME_WE)
        if(NOT _name IN_LIST ARGN)
            message(FATAL_ERROR "${CMAKE_CURRENT_SOURCE_DIR}/${_file} is not listed in its CMakeLists.txt")
        endif()
    endforeach()
endfunction()
