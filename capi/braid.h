/**
 * @file
 * @brief braid's stable C ABI: everything in one include.
 *
 * Link the shared library `libbraid` (CMake: `braid::capi`). The conventions are in braid/common.h and
 * docs/guides/c_abi.md; each module has its own header:
 * - braid/version.h, braid/errors.h, braid/common.h: versions, status codes, strings;
 * - braid/runnable.h: running steps and chains (invoke, batch, stream, events, cancellation);
 * - braid/compose.h: sequences, parallel maps, branches, routers, retry, fallbacks;
 * - braid/callback.h: steps written by the caller;
 * - braid/prompts.h, braid/parsers.h, braid/messages.h: model I/O;
 * - braid/testing.h: the scripted fake chat model;
 * - braid/spec.h: chains described in JSON;
 * - braid/memory.h: chat histories, trimming, runnables with message history, summary and entity memory;
 * - braid/gguf.h, braid/tokenizer.h, braid/model.h: the engine;
 * - braid/local_models.h: local chat models and embedders over a loaded model;
 * - braid/grammar.h: GBNF grammars and the tool-call parser.
 */
#ifndef BRAID_H
#define BRAID_H

#include "braid/common.h"
#include "braid/version.h"
#include "braid/errors.h"
#include "braid/log.h"
#include "braid/runnable.h"
#include "braid/compose.h"
#include "braid/callback.h"
#include "braid/prompts.h"
#include "braid/parsers.h"
#include "braid/messages.h"
#include "braid/testing.h"
#include "braid/spec.h"
#include "braid/memory.h"
#include "braid/gguf.h"
#include "braid/tokenizer.h"
#include "braid/model.h"
#include "braid/context.h"
#include "braid/chat_template.h"
#include "braid/local_models.h"
#include "braid/grammar.h"
#include "braid/retrieval.h"

#endif /* BRAID_H */
