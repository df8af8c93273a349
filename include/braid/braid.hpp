/// @file
/// @brief The umbrella header: every public header of braid's C++ API. Handy in applications and
/// samples; braid's own code includes the headers it uses instead.
#pragma once

#include "braid/error.hpp"

// LCEL core: values, runnables and their composition, config, callbacks, streaming.
#include "braid/core/branch.hpp"
#include "braid/core/callbacks.hpp"
#include "braid/core/cancellation.hpp"
#include "braid/core/chunk.hpp"
#include "braid/core/config.hpp"
#include "braid/core/fallbacks.hpp"
#include "braid/core/graph.hpp"
#include "braid/core/lambda.hpp"
#include "braid/core/parallel.hpp"
#include "braid/core/passthrough.hpp"
#include "braid/core/pick.hpp"
#include "braid/core/result.hpp"
#include "braid/core/retry.hpp"
#include "braid/core/router.hpp"
#include "braid/core/runnable.hpp"
#include "braid/core/runnable_impl.hpp"
#include "braid/core/stream.hpp"
#include "braid/core/value.hpp"

// Model I/O: messages, prompt templates, output parsers.
#include "braid/prompts/chat_prompt_template.hpp"
#include "braid/prompts/example_selector.hpp"
#include "braid/prompts/few_shot_prompt_template.hpp"
#include "braid/prompts/message.hpp"
#include "braid/prompts/prompt_step.hpp"
#include "braid/prompts/prompt_template.hpp"
#include "braid/prompts/prompt_value.hpp"
#include "braid/parsers/json_output_parser.hpp"
#include "braid/parsers/json_schema_validator.hpp"
#include "braid/parsers/list_output_parser.hpp"
#include "braid/parsers/output_parser.hpp"
#include "braid/parsers/partial_json.hpp"
#include "braid/parsers/str_output_parser.hpp"
#include "braid/parsers/structured_output_parser.hpp"
#include "braid/parsers/xml_output_parser.hpp"

// Chat models and the named test doubles.
#include "braid/models/chat_model.hpp"
#include "braid/models/generation_options.hpp"
#include "braid/models/structured_output.hpp"
#include "braid/testing/fake_chat_model.hpp"

// Memory: chat histories (in memory, JSON Lines file, SQLite), trimming, RunnableWithMessageHistory.
#include "braid/memory/chat_history.hpp"
#include "braid/memory/file_chat_history.hpp"
#include "braid/memory/in_memory_chat_history.hpp"
#include "braid/memory/runnable_with_message_history.hpp"
#include "braid/memory/sqlite_chat_history.hpp"
#include "braid/memory/sqlite_database.hpp"
#include "braid/memory/summary_memory.hpp"
#include "braid/memory/trim_messages.hpp"

// The inference engine: GGUF files, tensor types, tokenizers, chat templates, models, generation.
#include "braid/engine/backend.hpp"
#include "braid/engine/batch.hpp"
#include "braid/engine/chat_template.hpp"
#include "braid/engine/context.hpp"
#include "braid/engine/generator.hpp"
#include "braid/engine/gguf_file.hpp"
#include "braid/engine/gguf_value.hpp"
#include "braid/engine/gguf_writer.hpp"
#include "braid/engine/model.hpp"
#include "braid/engine/quant.hpp"
#include "braid/engine/sampler.hpp"
#include "braid/engine/tensor_type.hpp"
#include "braid/engine/text_stream.hpp"
#include "braid/engine/tokenizer.hpp"
#include "braid/engine/tokenizer_vocab.hpp"
