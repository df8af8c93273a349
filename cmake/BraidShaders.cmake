# Compute shaders compiled with glslc at build time and embedded in the library as SPIR-V words:
# no shader files are needed at run time.
#
#   braid_embed_shaders(TARGET <target> OUTPUT <generated.cpp>
#                       SHADERS "<name>|<file.comp>|<-DDEFINES...>" ...)
#
# Each entry becomes one SPIR-V module named <name>; the generated source defines
# braid::engine::vk::embedded_shaders() (see src/backend/vulkan/shaders.hpp).
find_program(BRAID_GLSLC glslc REQUIRED)

function(braid_embed_shaders)
  cmake_parse_arguments(S "" "TARGET;OUTPUT" "SHADERS;DEPENDS" ${ARGN})
  set(spv_files)
  set(names)
  foreach(entry IN LISTS S_SHADERS)
    string(REPLACE "|" ";" parts "${entry}")
    list(GET parts 0 name)
    list(GET parts 1 source)
    list(LENGTH parts n)
    set(defines)
    if(n GREATER 2)
      list(GET parts 2 define_text)
      separate_arguments(defines UNIX_COMMAND "${define_text}")
    endif()
    set(spv ${CMAKE_CURRENT_BINARY_DIR}/shaders/${name}.spv)
    add_custom_command(OUTPUT ${spv}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/shaders
      COMMAND ${BRAID_GLSLC} --target-env=vulkan1.2 -O -fshader-stage=compute ${defines}
              -I ${PROJECT_SOURCE_DIR}/shaders -o ${spv} ${PROJECT_SOURCE_DIR}/shaders/${source}
      DEPENDS ${PROJECT_SOURCE_DIR}/shaders/${source} ${S_DEPENDS}
      COMMENT "glslc ${name}" VERBATIM)
    list(APPEND spv_files ${spv})
    list(APPEND names ${name})
  endforeach()
  add_custom_command(OUTPUT ${S_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${S_OUTPUT} "-DNAMES=${names}" -DDIR=${CMAKE_CURRENT_BINARY_DIR}/shaders
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
    DEPENDS ${spv_files} ${PROJECT_SOURCE_DIR}/cmake/embed_spirv.cmake
    COMMENT "embedding SPIR-V modules" VERBATIM)
  target_sources(${S_TARGET} PRIVATE ${S_OUTPUT})
endfunction()
