# ctest capi.abi: the ABI of the built libbraid against the baseline stored for its SOVERSION.
# New functions (and enumerators, which abidiff counts as harmless) pass, with the report shown. Any
# removed or changed function or variable fails, a changed struct layout included: abidiff cannot tell
# a field appended to an options struct (compatible: struct_size) from a moved one, so that takes a
# deliberate update of the baseline, and an incompatible change also a new SOVERSION.
# abidiff's exit status is a bit set: 1 error, 2 usage error, 4 ABI change, 8 incompatible change.
if(NOT EXISTS ${BASELINE})
  message(FATAL_ERROR "no ABI baseline ${BASELINE}. An incompatible change bumps BRAID_CAPI_SOVERSION in "
                      "capi/CMakeLists.txt and stores the new baseline: cmake --build <dir> --target capi_abi_baseline")
endif()
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${ABIDW} ${ABIDW_OPTIONS} --out-file ${WORK}/current.abi ${LIBRARY} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "abidw failed (${rc}) on ${LIBRARY}")
endif()
execute_process(COMMAND ${ABIDIFF} --no-show-locs ${BASELINE} ${WORK}/current.abi
                RESULT_VARIABLE rc OUTPUT_VARIABLE report ERROR_VARIABLE errors)
math(EXPR failed "${rc} & 11") # error, usage error or incompatible change
# abidiff calls a changed struct layout an "ABI change" (4), not an incompatible one: count them.
foreach(kind Functions Variables)
  if(report MATCHES "${kind} changes summary: ([0-9]+) Removed[^,]*, ([0-9]+) Changed")
    if(NOT CMAKE_MATCH_1 EQUAL 0 OR NOT CMAKE_MATCH_2 EQUAL 0)
      set(failed 1)
    endif()
  endif()
endforeach()
if(NOT failed EQUAL 0)
  message(FATAL_ERROR "abidiff: the ABI changed (status ${rc}) against ${BASELINE}:\n${report}${errors}\n"
                      "If the change only appends fields to options structs, store the new baseline (cmake --build "
                      "<dir> --target capi_abi_baseline) in the same commit. If it changes or removes anything "
                      "else, it breaks callers: bump BRAID_CAPI_SOVERSION in capi/CMakeLists.txt, then store the "
                      "baseline of the new SOVERSION.")
endif()
if(NOT rc EQUAL 0)
  message(STATUS "abidiff: compatible ABI changes against the baseline:\n${report}")
else()
  message(STATUS "abidiff: the ABI matches the baseline ${BASELINE}")
endif()
