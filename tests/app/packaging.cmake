# SPDX-License-Identifier: MIT
# SPDX-FileCopyrightText: Queuedeck contributors
#
# The packaging test (tests/app/CMakeLists.txt): installs this build tree into a temporary prefix, checks the
# paths and validates the desktop file and metainfo, runs both installed binaries, then builds the .deb with
# CPack into the same temporary directory and checks its metadata, its exact file list and one binary from it.
# cmake -DBUILD_DIR=<build> -DWORK_DIR=<scratch> -P packaging.cmake
set(app_id io.github.queuedeck.Queuedeck)
set(icon_sizes 16 24 32 48 64 128 256)
set(skipped)

function(run what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}${err}")
    endif()
    set(out "${out}" PARENT_SCOPE)
endfunction()

# The files below the prefix (/usr in the package), and nothing else: no tests, no benchmarks, no tools.
set(expected_files bin/queuedeck bin/queuedeckctl share/applications/${app_id}.desktop
    share/metainfo/${app_id}.metainfo.xml share/icons/hicolor/scalable/apps/${app_id}.svg
    share/doc/queuedeck/examples/queuedeck-serve.service share/doc/queuedeck/examples/serve.example.yaml)
foreach(size IN LISTS icon_sizes)
    list(APPEND expected_files share/icons/hicolor/${size}x${size}/apps/${app_id}.png)
endforeach()
list(SORT expected_files)

function(expect_exactly_the_files root lead)
    file(GLOB_RECURSE found LIST_DIRECTORIES false RELATIVE ${root} ${root}/*)
    list(SORT found)
    list(TRANSFORM expected_files PREPEND "${lead}" OUTPUT_VARIABLE want)
    if(NOT found STREQUAL want)
        string(REPLACE ";" "\n  " found "${found}")
        string(REPLACE ";" "\n  " want "${want}")
        message(FATAL_ERROR "${root} holds\n  ${found}\nexpected exactly\n  ${want}")
    endif()
endfunction()

function(expect_version binary)
    run("${binary} --version" ${binary} --version)
    if(NOT out MATCHES "0\\.[0-9]+\\.[0-9]+")
        message(FATAL_ERROR "${binary} --version printed '${out}'")
    endif()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

# 1. cmake --install into a prefix
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
expect_exactly_the_files(${prefix} "")
foreach(size IN LISTS icon_sizes)
    file(READ ${prefix}/share/icons/hicolor/${size}x${size}/apps/${app_id}.png head LIMIT 24 HEX)
    # PNG signature, then the IHDR chunk's width (bytes 16-19).
    math(EXPR want "${size}" OUTPUT_FORMAT HEXADECIMAL)
    string(SUBSTRING "${want}" 2 -1 want)
    string(LENGTH "${want}" n)
    math(EXPR pad "8 - ${n}")
    string(REPEAT "0" ${pad} zeros)
    if(NOT head MATCHES "^89504e470d0a1a0a0000000d49484452${zeros}${want}")
        message(FATAL_ERROR "the ${size}x${size} icon is not a ${size} px wide PNG: ${head}")
    endif()
endforeach()

find_program(DESKTOP_FILE_VALIDATE desktop-file-validate)
if(DESKTOP_FILE_VALIDATE)
    run("desktop-file-validate" ${DESKTOP_FILE_VALIDATE} ${prefix}/share/applications/${app_id}.desktop)
    if(NOT out STREQUAL "")
        message(FATAL_ERROR "desktop-file-validate is not silent:\n${out}")
    endif()
else()
    list(APPEND skipped "desktop-file-validate (apt-get install desktop-file-utils)")
endif()
find_program(APPSTREAMCLI appstreamcli)
if(APPSTREAMCLI)
    run("appstreamcli validate" ${APPSTREAMCLI} validate --no-net --no-color ${prefix}/share/metainfo/${app_id}.metainfo.xml)
else()
    list(APPEND skipped "appstreamcli validate (apt-get install appstream)")
endif()

expect_version(${prefix}/bin/queuedeckctl)
expect_version(${prefix}/bin/queuedeck) # QT_QPA_PLATFORM=offscreen from the test's environment

# 2. cpack -G DEB, into the scratch directory so the build tree stays as it was
find_program(DPKG_DEB dpkg-deb)
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(DPKG_DEB AND DPKG_SHLIBDEPS)
    get_filename_component(cmake_bin_dir ${CMAKE_COMMAND} DIRECTORY)
    run("cpack" ${cmake_bin_dir}/cpack -G DEB --config ${BUILD_DIR}/CPackConfig.cmake -B ${WORK_DIR}/deb)
    file(GLOB debs ${WORK_DIR}/deb/queuedeck_*.deb)
    list(LENGTH debs n)
    if(NOT n EQUAL 1)
        message(FATAL_ERROR "cpack made ${n} queuedeck_*.deb files: ${debs}")
    endif()
    run("dpkg-deb -f" ${DPKG_DEB} -f ${debs} Package Section Depends Recommends)
    foreach(field "Package: queuedeck" "Section: utils" "libqt6core6" "libqt6widgets6" "libqt6charts6"
                  "libqt6sql6-sqlite" "libqt6sql6-psql" "libqt6svg6")
        string(FIND "${out}" "${field}" at)
        if(at EQUAL -1)
            message(FATAL_ERROR "the package's control fields lack '${field}':\n${out}")
        endif()
    endforeach()
    run("dpkg-deb -x" ${DPKG_DEB} -x ${debs} ${WORK_DIR}/root)
    expect_exactly_the_files(${WORK_DIR}/root usr/)
    expect_version(${WORK_DIR}/root/usr/bin/queuedeckctl)
else()
    list(APPEND skipped "the .deb (apt-get install dpkg-dev)")
endif()

file(REMOVE_RECURSE ${WORK_DIR})
if(skipped)
    string(REPLACE ";" ", " skipped "${skipped}")
    message("QD_SKIPPED: tools missing for: ${skipped}")
endif()
