# braid-cli index and search on a small folder made here: a first run indexes the readable files and
# reports the broken one; a re-run skips everything; changing one file touches only its chunk; a search
# finds the right source by vectors and by BM25 (with the BM25 index index saved beside the store; a missing
# or stale one is rebuilt with a message); another embedding model is refused; full cleanup deletes the
# chunks of a removed file.
#   cmake -DCLI=<braid-cli> -DMODEL=<bert.gguf> -DWORK=<scratch folder> -P cli_index_search.cmake

file(REMOVE_RECURSE ${WORK})
set(docs ${WORK}/docs)
set(store ${WORK}/store.sqlite)
file(MAKE_DIRECTORY ${docs}/sub)
file(WRITE ${docs}/swords.md "# Swords\n\nOil the blade of a sword every week so it does not rust.\n")
file(WRITE ${docs}/sub/shields.txt "Shields are painted red and blue by the village carpenter.\n")
file(WRITE ${docs}/potions.json "{\"text\": \"Healing potions are brewed from moonleaf and river water.\"}")
# Not UTF-8: reported, the others indexed.
string(ASCII 255 bad_byte)
file(WRITE ${docs}/broken.txt "valid start ${bad_byte} then garbage\n")

# Runs braid-cli; fails the test on a non-zero exit. The JSON output goes to <out>.
function(cli out)
  execute_process(COMMAND ${CLI} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "braid-cli ${ARGN} failed (${rc}): ${stderr}")
  endif()
  set(${out} "${stdout}" PARENT_SCOPE)
endfunction()

# Checks that JSON member <member> of <json> equals <expected>.
function(expect json member expected what)
  string(JSON value GET "${json}" ${member})
  if(NOT "${value}" STREQUAL "${expected}")
    message(FATAL_ERROR "${what}: ${member} is ${value}, expected ${expected}\n${json}")
  endif()
endfunction()

set(index_args index --model ${MODEL} --store ${store} --path ${docs} --chunk-size 200 --chunk-overlap 20 -t 2 --json)

cli(first ${index_args})
expect("${first}" files_loaded 3 "first run")
expect("${first}" added 3 "first run")
expect("${first}" deleted 0 "first run")
string(JSON failed_count LENGTH "${first}" files_failed)
string(JSON failed_path GET "${first}" files_failed 0 path)
string(JSON failed_message GET "${first}" files_failed 0 message)
if(NOT failed_count EQUAL 1 OR NOT failed_path MATCHES "broken\\.txt$" OR NOT failed_message MATCHES "byte")
  message(FATAL_ERROR "first run: expected broken.txt reported with its byte offset\n${first}")
endif()

if(NOT EXISTS ${store}.bm25)
  message(FATAL_ERROR "first run: no BM25 index saved beside the store (${store}.bm25)")
endif()
file(COPY_FILE ${store}.bm25 ${WORK}/first.bm25)

cli(again ${index_args})
expect("${again}" added 0 "unchanged re-run")
expect("${again}" skipped 3 "unchanged re-run")
expect("${again}" embedded 0 "unchanged re-run")

# The same folder named relatively, from another working folder: the same sources, nothing new.
execute_process(COMMAND ${CLI} index --model ${MODEL} --store ${store} --path docs/./sub/.. --chunk-size 200 --chunk-overlap 20 --json
                WORKING_DIRECTORY ${WORK} RESULT_VARIABLE rc OUTPUT_VARIABLE relative ERROR_VARIABLE stderr)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "relative --path failed: ${stderr}")
endif()
expect("${relative}" added 0 "relative path re-run")
expect("${relative}" skipped 3 "relative path re-run")

file(WRITE ${docs}/sub/shields.txt "Shields are painted green now, and the carpenter charges more.\n")
cli(changed ${index_args})
expect("${changed}" added 1 "one file changed")
expect("${changed}" deleted 1 "one file changed")
expect("${changed}" skipped 2 "one file changed")

cli(hits search --store ${store} --model ${MODEL} --query "Oil the blade of a sword every week" --k 2 -t 2 --json)
string(JSON top GET "${hits}" results 0 source)
string(JSON count LENGTH "${hits}" results)
if(NOT top MATCHES "swords\\.md$" OR NOT count EQUAL 2)
  message(FATAL_ERROR "vector search: expected 2 results, swords.md first\n${hits}")
endif()

# BM25: <how> is what the search says of the saved index ("loaded", or "rebuilt: ..." naming why).
function(keyword_search how)
  execute_process(COMMAND ${CLI} search --store ${store} --bm25 --query "moonleaf potions" --json
                  RESULT_VARIABLE rc OUTPUT_VARIABLE keyword ERROR_VARIABLE stderr)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "bm25 search failed (${rc}): ${stderr}")
  endif()
  string(JSON top GET "${keyword}" results 0 source)
  string(JSON count LENGTH "${keyword}" results)
  if(NOT top MATCHES "potions\\.json$" OR NOT count EQUAL 1)
    message(FATAL_ERROR "bm25 search (${how}): expected only potions.json\n${keyword}")
  endif()
  string(JSON index GET "${keyword}" bm25_index)
  if(NOT index MATCHES "^${how}")
    message(FATAL_ERROR "bm25 search: the index should be ${how}, it was: ${index}")
  endif()
  if(index MATCHES "^rebuilt" AND NOT stderr MATCHES "rebuilding it from the store's 3 chunks")
    message(FATAL_ERROR "bm25 search: a rebuilt index must be announced on stderr, got: ${stderr}")
  endif()
endfunction()
keyword_search("loaded")
# Missing: rebuilt, announced and saved, so the next search loads it.
file(REMOVE ${store}.bm25)
keyword_search("rebuilt: no BM25 index")
keyword_search("loaded")
# Stale (the index of the first run, before shields.txt changed): rebuilt.
file(COPY_FILE ${WORK}/first.bm25 ${store}.bm25)
keyword_search("rebuilt: the BM25 index is stale")
keyword_search("loaded")
# Corrupt: rebuilt, naming why.
file(WRITE ${store}.bm25 "braid-bm25 1 0000\n{}")
keyword_search("rebuilt: the BM25 index cannot be read")

# The same weights under another name are another model as far as the store knows: refused, naming both.
file(COPY_FILE ${MODEL} ${WORK}/other-embedder.gguf)
execute_process(COMMAND ${CLI} search --store ${store} --model ${WORK}/other-embedder.gguf --query sword
                RESULT_VARIABLE rc ERROR_VARIABLE stderr OUTPUT_QUIET)
if(rc EQUAL 0 OR NOT stderr MATCHES "was built with embedding model")
  message(FATAL_ERROR "search with another model: expected a clear error, got (${rc}) ${stderr}")
endif()
execute_process(COMMAND ${CLI} index --model ${WORK}/other-embedder.gguf --store ${store} --path ${docs}
                RESULT_VARIABLE rc ERROR_VARIABLE stderr OUTPUT_QUIET)
if(rc EQUAL 0 OR NOT stderr MATCHES "was built with embedding model")
  message(FATAL_ERROR "index with another model: expected a clear error, got (${rc}) ${stderr}")
endif()

# Bad options are errors that name them.
execute_process(COMMAND ${CLI} index --model ${MODEL} --store ${store} --path ${docs} --cleanup sometimes
                RESULT_VARIABLE rc ERROR_VARIABLE stderr OUTPUT_QUIET)
if(rc EQUAL 0 OR NOT stderr MATCHES "--cleanup 'sometimes' is not none, incremental or full")
  message(FATAL_ERROR "bad --cleanup: expected a clear error, got (${rc}) ${stderr}")
endif()
execute_process(COMMAND ${CLI} search --store ${WORK}/no-such.sqlite --bm25 --query x
                RESULT_VARIABLE rc ERROR_VARIABLE stderr OUTPUT_QUIET)
if(rc EQUAL 0 OR NOT stderr MATCHES "does not exist")
  message(FATAL_ERROR "missing store: expected a clear error, got (${rc}) ${stderr}")
endif()

# A removed file: incremental cleanup keeps its chunk (it only touches files it sees), full deletes it.
file(REMOVE ${docs}/potions.json)
cli(incremental ${index_args})
expect("${incremental}" deleted 0 "removed file, incremental")
cli(full ${index_args} --cleanup full)
expect("${full}" deleted 1 "removed file, full")
expect("${full}" skipped 2 "removed file, full")
# A chunk the model cannot take at once (3,000 characters, each punctuation mark a token: more than the
# 512 tokens of a pass) is cut again by tokens instead of stopping the run.
file(MAKE_DIRECTORY ${WORK}/long)
string(REPEAT "a,b;" 750 dense)
file(WRITE ${WORK}/long/dense.txt "${dense}")
cli(long index --model ${MODEL} --store ${WORK}/long.sqlite --path ${WORK}/long --chunk-size 4000 --chunk-overlap 0 -t 2 --json)
expect("${long}" chunks_cut_by_tokens 1 "a chunk of 3,000 tokens")
string(JSON long_chunks GET "${long}" chunks)
if(long_chunks LESS 6)
  message(FATAL_ERROR "a chunk of 3,000 tokens: expected at least 6 pieces of at most 512 tokens\n${long}")
endif()
message(STATUS "braid-cli index/search: all checks passed")
