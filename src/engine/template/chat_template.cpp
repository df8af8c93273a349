// braid::engine::ChatTemplate: parse once (normalize, tokenize, parse), render many times, and turn
// the interpreter's failures into ChatTemplateError with the template line and column.
#include "braid/engine/chat_template.hpp"

#include <new>
#include <tuple>

#include "engine/template/lexer.hpp"
#include "engine/template/parser.hpp"
#include "engine/template/renderer.hpp"

namespace braid::engine {

namespace {

ChatTemplateFailure failure_of(jinja::FailureKind kind) {
    switch (kind) {
    case jinja::FailureKind::syntax: return ChatTemplateFailure::syntax;
    case jinja::FailureKind::raised: return ChatTemplateFailure::raised;
    case jinja::FailureKind::type: return ChatTemplateFailure::type_error;
    case jinja::FailureKind::undefined: return ChatTemplateFailure::undefined;
    case jinja::FailureKind::security: return ChatTemplateFailure::security;
    case jinja::FailureKind::limit: return ChatTemplateFailure::limit;
    case jinja::FailureKind::runtime:
    case jinja::FailureKind::value:
    case jinja::FailureKind::zero_division:
    case jinja::FailureKind::overflow:
    case jinja::FailureKind::index:
    case jinja::FailureKind::key:
    case jinja::FailureKind::assertion: return ChatTemplateFailure::runtime;
    }
    return ChatTemplateFailure::runtime;
}

std::string located(std::size_t line, std::size_t column, const std::string& message) {
    if (line == 0) return message;
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

} // namespace

ChatTemplateError::ChatTemplateError(ChatTemplateFailure failure, std::string python_type, std::string message,
                                     std::size_t line, std::size_t column)
    : Error(failure == ChatTemplateFailure::syntax ? errc::parse : errc::template_error,
            located(line, column, message)),
      failure_(failure),
      python_type_(std::move(python_type)),
      message_(std::move(message)),
      line_(line),
      column_(column) {}

struct ChatTemplate::Program {
    explicit Program(std::string_view text) : source(text), normalized(jinja::normalize_source(text)), map(normalized) {}
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    [[noreturn]] void raise(const jinja::Failure& f) const {
        std::size_t line = 0;
        std::size_t column = 0;
        if (f.offset != static_cast<std::size_t>(-1)) std::tie(line, column) = map.line_column(f.offset);
        throw ChatTemplateError(failure_of(f.kind), jinja::python_name(f.kind), f.message, line, column);
    }

    std::string source;
    std::string normalized;  // what token offsets refer to
    jinja::SourceMap map;    // views `normalized`: a Program never moves
    jinja::Body body;
};

ChatTemplate::ChatTemplate(std::string_view source) {
    auto program = std::make_shared<Program>(source);
    try {
        const std::vector<jinja::Token> tokens = jinja::tokenize(program->normalized);
        program->body = jinja::parse(tokens);
    } catch (const jinja::Failure& f) {
        program->raise(f);
    } catch (const std::bad_alloc&) {
        throw Error(errc::out_of_memory, "out of memory while parsing a chat template");
    }
    program_ = std::move(program);
}

std::string ChatTemplate::render(const nlohmann::ordered_json& context, const ChatTemplateRenderOptions& options) const {
    if (!context.is_object())
        throw Error(errc::invalid_argument, std::string("chat template context must be a JSON object, not ") +
                                                context.type_name());
    try {
        // The context is the caller's data: it is converted before the render's budget applies.
        jinja::Value variables = jinja::from_json(context);
        jinja::Renderer renderer(options.limits, options.now);
        return renderer.render(program_->body, std::move(variables));
    } catch (const jinja::Failure& f) {
        program_->raise(f);
    } catch (const std::bad_alloc&) {
        throw Error(errc::out_of_memory, "out of memory while rendering a chat template");
    }
}

const std::string& ChatTemplate::source() const noexcept { return program_->source; }

} // namespace braid::engine
