# braid_module(NAME <name> DIRS <src dirs...> [DEPS <targets...>] [PRIVATE_DEPS <targets...>])
#
# One static library per module of src/, from every .cpp under its folders, with braid's include
# folder and warnings. Modules keep the layers apart (the engine never links the core) and let one
# module build while another is being edited.
function(braid_module)
  cmake_parse_arguments(M "" "NAME" "DIRS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(sources)
  foreach(dir IN LISTS M_DIRS)
    file(GLOB_RECURSE found CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND sources ${found})
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
  set_property(GLOBAL APPEND PROPERTY BRAID_MODULES ${target})
endfunction()

# High warning level for braid's own code; -Werror with BRAID_WERROR (CI turns it on).
function(braid_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
      $<$<BOOL:${BRAID_WERROR}>:-Werror>)
  endif()
endfunction()
