# ctest sample.npc: runs the NPC sample twice on a fresh save file and checks that the second visit
# remembers the first: the saved messages, the summaries and the facts about Alice reach the models of
# both NPCs (each its own session of the file).
file(REMOVE ${SAVE} ${SAVE}-wal ${SAVE}-shm)
foreach(run 1 2)
  execute_process(COMMAND ${SAMPLE} ${SAVE} RESULT_VARIABLE rc OUTPUT_VARIABLE out${run} ERROR_VARIABLE err)
  message(STATUS "run ${run}:\n${out${run}}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "run ${run} of ${SAMPLE} failed (${rc}): ${err}")
  endif()
endforeach()
file(REMOVE ${SAVE} ${SAVE}-wal ${SAVE}-shm)
foreach(expected
    "SCRIPTED FAKE MODELS"
    "0 earlier messages; this is visit 1"
    "memory: Alice — not seen before")
  string(FIND "${out1}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the first run does not say \"${expected}\"")
  endif()
endforeach()
foreach(expected
    "4 earlier messages; this is visit 2"
    "memory: Alice — Alice is a traveller from Riverton."
    "[system] Summary of the conversation so far:\nAlice from Riverton visited Brom's smithy"
    "Alice is a traveller from Riverton.\n"
    "[user] It's Alice again. Is my sword ready?"
    "Mira remembers (saved summary): Alice took room three"
    "2 earlier messages; this is visit 2")
  string(FIND "${out2}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the second run does not remember the first: no \"${expected}\"")
  endif()
endforeach()
