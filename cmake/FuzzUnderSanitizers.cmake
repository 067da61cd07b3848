# The fuzz targets under AddressSanitizer and UBSan, from the ci build's ctest: configures a build
# of its own in WORK (-O1, as the sanitizers advise, with -fsanitize=address,undefined, no tests), builds kp_fuzz and the
# libraries it reads with, then runs every target for CASES cases. A crash fails with the
# sanitizer's report, and the input is kept as WORK/fuzz/kp-fuzz-TARGET-crash.bin.
#   cmake -DSOURCE=<tree> -DWORK=<dir> -DTARGETS="name:folder;…" -DCASES=N -P FuzzUnderSanitizers.cmake
foreach(var SOURCE WORK TARGETS CASES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "pass -D${var}=")
  endif()
endforeach()

execute_process(
  COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${WORK} -G Ninja -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS=-O1 -DKP_SANITIZE=ON -DBUILD_TESTING=OFF
          -DKP_WARNINGS_AS_ERRORS=OFF
  RESULT_VARIABLE configured OUTPUT_QUIET)
if(configured)
  message(FATAL_ERROR "configuring the sanitized fuzz build in ${WORK} failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${WORK} --target kp_fuzz RESULT_VARIABLE built OUTPUT_VARIABLE build_log ERROR_VARIABLE build_log)
if(built)
  message(FATAL_ERROR "building kp_fuzz with the sanitizers failed:\n${build_log}")
endif()

set(ENV{ASAN_OPTIONS} "detect_leaks=0:abort_on_error=0:allocator_may_return_null=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
set(ENV{QT_QPA_PLATFORM} "offscreen")
set(failed "")
foreach(pair IN LISTS TARGETS)
  string(REPLACE ":" ";" parts "${pair}")
  list(GET parts 0 target)
  list(GET parts 1 folder)
  execute_process(
    COMMAND ${WORK}/fuzz/kp_fuzz ${target} --cases ${CASES} --corpus ${SOURCE}/fuzz/corpus/${folder} --replay ${SOURCE}/fuzz/regressions/${folder}
    WORKING_DIRECTORY ${WORK}/fuzz
    RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${out}")
  if(code)
    list(APPEND failed ${target})
    message(STATUS "${target} failed (exit ${code}):\n${err}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "fuzz targets failed under the sanitizers: ${failed}")
endif()
