# braid_module(NAME <name> DIRS <src dirs...> [EXCLUDE <src dirs...>] [DEPS <targets...>] [PRIVATE_DEPS <targets...>] [UNITY])
#
# One static library per module of src/, from every .cpp under its folders, with braid's include
# folder and warnings. Modules keep the layers apart (the engine never links the core) and let one
# module build while another is being edited. UNITY: compiled a few files per unit with
# BRAID_UNITY_BUILD (modules whose files repeat the same heavy template instantiations; never one whose
# files set per-file target pragmas or flags, which would leak into the files after them).
function(braid_module)
  cmake_parse_arguments(M "UNITY" "NAME" "DIRS;EXCLUDE;DEPS;PRIVATE_DEPS" ${ARGN})
  set(sources)
  foreach(dir IN LISTS M_DIRS)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND sources ${found})
  endforeach()
  # EXCLUDE: sub-folders that form a module of their own (src/models/local is braid_local_models).
  foreach(dir IN LISTS M_EXCLUDE)
    list(FILTER sources EXCLUDE REGEX "^${CMAKE_CURRENT_SOURCE_DIR}/${dir}/")
  endforeach()
  set(target braid_${M_NAME})
  if(NOT sources)  # a module whose first file has not landed yet still links
    set(sources ${CMAKE_CURRENT_BINARY_DIR}/braid_${M_NAME}_empty.cpp)
    file(WRITE ${sources} "// module braid_${M_NAME} has no sources yet\n")
  endif()
  add_library(${target} STATIC ${sources})
  add_library(braid::${M_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  braid_warnings(${target})
  if(M_UNITY)
    braid_unity(${target})
  endif()
  set_property(GLOBAL APPEND PROPERTY BRAID_MODULES ${target})
endfunction()

# Compiles @p target's sources BRAID_UNITY_BATCH at a time when BRAID_UNITY_BUILD is on.
function(braid_unity target)
  set_target_properties(${target} PROPERTIES UNITY_BUILD ${BRAID_UNITY_BUILD} UNITY_BUILD_BATCH_SIZE ${BRAID_UNITY_BATCH})
endfunction()

# High warning level for braid's own code; -Werror with BRAID_WERROR (CI turns it on).
function(braid_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
      $<$<BOOL:${BRAID_WERROR}>:-Werror>)
  endif()
endfunction()

# Tests that load libbraid into a Java or Mono virtual machine. Under AddressSanitizer the VM itself is
# not instrumented: the sanitizer runtime must come first (preloaded, with libstdc++, whose exception
# throwing it intercepts), the VM keeps its own SIGSEGV handling, and leak checking is off (a VM frees
# what it likes at exit).
function(braid_vm_tests)
  if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize=[^ ]*address" OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    return()
  endif()
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libasan.so OUTPUT_VARIABLE asan OUTPUT_STRIP_TRAILING_WHITESPACE)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -print-file-name=libstdc++.so OUTPUT_VARIABLE stdcxx OUTPUT_STRIP_TRAILING_WHITESPACE)
  set_property(TEST ${ARGN} APPEND PROPERTY ENVIRONMENT "LD_PRELOAD=${asan} ${stdcxx}"
               "ASAN_OPTIONS=detect_leaks=0:handle_segv=0:allow_user_segv_handler=1:use_sigaltstack=0")
endfunction()
