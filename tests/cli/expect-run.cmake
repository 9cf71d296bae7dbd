# Run a command and check its exit code, and optionally that its output
# matches a regular expression or equals a golden file (lines starting with
# "host:" are dropped: they carry host timing).
#   cmake -DCMD="a@@b@@c" -DCODE=0 [-DMATCH=regex] [-DGOLDEN=file] -P expect-run.cmake
string(REPLACE "@@" ";" CMD "${CMD}")
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL CODE)
  message(FATAL_ERROR "exit code ${rc}, expected ${CODE}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED MATCH AND NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "output does not match '${MATCH}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED GOLDEN)
  string(REGEX REPLACE "host:[^\n]*\n" "" out "${out}")
  file(READ ${GOLDEN} want)
  if(NOT out STREQUAL want)
    message(FATAL_ERROR "output differs from ${GOLDEN}\n--- got:\n${out}\n--- want:\n${want}")
  endif()
endif()
