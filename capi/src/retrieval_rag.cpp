// The C functions of braid/retrieval.h for RAG chains: documents formatted for a prompt, a retriever as a
// tool for agents, and the sources an answer cites.
#include <memory>
#include <string>
#include <utility>

#include "json_io.hpp"
#include "retrieval_common.hpp"
#include "braid/core/lambda.hpp"
#include "braid/retrieval/rag.hpp"

namespace braid::capi {

namespace {

// A runnable of the C ABI (a query string in, a JSON array of documents out) as a typed retriever.
retrieval::Retriever documents_retriever(const AnyRunnable& runnable) {
    const std::string what = "retriever ('" + runnable.name() + "')'s output";
    return Lambda<std::string, retrieval::Documents>(
        [runnable, what](const std::string& query, const RunContext& ctx) {
            const Value output = ctx.invoke(runnable, Value(query));
            try {
                return documents_of(output, what);
            } catch (const Error& error) {
                throw Error(errc::validation, error.what());
            }
        },
        runnable.name());
}

std::string template_option(const Value& options) {
    return text_option(options, "template", std::string(retrieval::default_document_template), "options_json");
}

} // namespace

} // namespace braid::capi

// At global scope: the definitions must be the header's declarations (BRAID_API, exported).
using namespace braid;
using namespace braid::capi;

extern "C" {

braid_status braid_format_documents(char** out_text, const char* documents_json, const char* options_json) {
    return guard([&] {
        out_param(out_text, "out_text");
        const retrieval::Documents documents = parse_documents(documents_json, "documents_json");
        const Value options = options_object(options_json, "options_json", {"template", "separator"});
        const std::string separator = text_option(options, "separator", "\n\n", "options_json");
        put_string(out_text, retrieval::format_documents(documents, template_option(options), separator));
    });
}

braid_status braid_retriever_tool(braid_runnable** out_tool, char** out_schema_json, const braid_runnable* retriever,
                                  const char* name, const char* description, const char* options_json) {
    return guard([&] {
        out_param(out_tool, "out_tool");
        if (out_schema_json)
            *out_schema_json = nullptr;
        retrieval::Retriever base = documents_retriever(use(retriever, "retriever").runnable);
        const std::string tool_name = require(name, "name");
        const std::string tool_description = require(description, "description");
        const Value options = options_object(options_json, "options_json", {"template"});
        const retrieval::RetrieverTool tool =
            retrieval::retriever_tool(std::move(base), tool_name, tool_description, template_option(options));
        const auto run = tool.run;
        AnyRunnable runnable(Lambda<Value, std::string>([run](const Value& arguments) { return run(arguments); }, tool.name));
        const std::string schema = dump_json(tool.schema);
        put_runnable(out_tool, std::move(runnable));
        if (out_schema_json)
            put_string(out_schema_json, schema);
    });
}

braid_status braid_parse_citations(char** out_json, const char* answer, const char* sources_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        const std::string text = require(answer, "answer");
        const retrieval::Documents sources = parse_documents(sources_json, "sources_json");
        put_string(out_json, dump_json(Value(retrieval::parse_citations(text, sources))));
    });
}

braid_status braid_source_list(char** out_json, const char* sources_json) {
    return guard([&] {
        out_param(out_json, "out_json");
        put_string(out_json, dump_json(retrieval::source_list(parse_documents(sources_json, "sources_json"))));
    });
}

} // extern "C"
