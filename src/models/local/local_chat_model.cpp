#include "braid/models/local_chat_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <list>
#include <mutex>
#include <utility>

#include "braid/engine/chat_template.hpp"
#include "braid/error.hpp"
#include "models/local/answer_parser.hpp"
#include "models/local/request_grammar.hpp"

namespace braid {

namespace {

// Biases are clamped to ±this (the sampler takes finite biases only; -1e30 bans a token for good).
constexpr double max_bias = 1e30;
// The stop string the plain fallback template ends a turn with.
constexpr const char* plain_end_of_turn = "<|im_end|>";

std::string default_name(const engine::Model& model) {
    const engine::ModelInfo& info = model.info();
    return "local:" + (info.name.empty() ? info.architecture : info.name);
}

engine::TokenId token_id_of(const std::string& text, std::int64_t n_vocab) {
    std::size_t used = 0;
    long long id = 0;
    try {
        id = std::stoll(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || text.empty())
        throw Error(errc::invalid_argument, "extra.logit_bias: key \"" + text + "\" is not a token id");
    if (id < 0 || id >= n_vocab)
        throw Error(errc::invalid_argument, "extra.logit_bias: token " + text + " is outside the vocabulary (" +
                                                std::to_string(n_vocab) + " tokens)");
    return static_cast<engine::TokenId>(id);
}

float bias_of(const Value& v, const std::string& token) {
    if (!v.is_number())
        throw Error(errc::invalid_argument, "extra.logit_bias: the bias of token " + token + " must be a number, got " +
                                                v.type_name());
    const double b = v.get<double>();
    if (!std::isfinite(b))
        throw Error(errc::invalid_argument, "extra.logit_bias: the bias of token " + token + " is not finite");
    return static_cast<float>(std::clamp(b, -max_bias, max_bias));
}

std::vector<std::pair<engine::TokenId, float>> read_logit_bias(const Value& json, std::int64_t n_vocab) {
    std::vector<std::pair<engine::TokenId, float>> out;
    if (json.is_object()) {
        for (auto it = json.begin(); it != json.end(); ++it)
            out.emplace_back(token_id_of(it.key(), n_vocab), bias_of(it.value(), it.key()));
    } else if (json.is_array()) {
        for (const Value& pair : json) {
            if (!pair.is_array() || pair.size() != 2 || !pair[0].is_number_integer())
                throw Error(errc::invalid_argument, "extra.logit_bias: an array entry must be [token id, bias], got " +
                                                        pair.dump());
            const std::string key = std::to_string(pair[0].get<long long>());
            out.emplace_back(token_id_of(key, n_vocab), bias_of(pair[1], key));
        }
    } else if (!json.is_null()) {
        throw Error(errc::invalid_argument, std::string("extra.logit_bias must be an object {\"token id\": bias} or an "
                                                        "array of [id, bias], got ") + json.type_name());
    }
    return out;
}

// Index of the first message after the leading system messages.
std::size_t first_turn(const Messages& messages) {
    std::size_t i = 0;
    while (i < messages.size() && messages[i].kind() == Role::system)
        ++i;
    return i;
}

// Removes the oldest turn after the system messages; false when only the last message is left.
bool drop_oldest_turn(Messages& messages) {
    const std::size_t first = first_turn(messages);
    if (first + 1 >= messages.size())
        return false;
    std::size_t end = first + 1;
    while (end + 1 < messages.size() && messages[end].kind() != Role::user)
        ++end;
    messages.erase(messages.begin() + static_cast<std::ptrdiff_t>(first), messages.begin() + static_cast<std::ptrdiff_t>(end));
    return true;
}

} // namespace

struct LocalChatModel::Impl {
    std::shared_ptr<const engine::Model> model;
    LocalChatModelOptions options;
    std::string template_source;
    bool plain = false;
    engine::ChatTemplate tmpl;
    std::string bos_text, eos_text;
    bool wants_bos = false;
    std::string name;
    std::unique_ptr<LocalScheduler> scheduler;
    ToolCallSyntax syntax;

    // Compiled grammars by GrammarSpec::key(), most recently used first.
    mutable std::mutex grammar_mutex;
    mutable std::list<std::pair<std::string, std::shared_ptr<const engine::Grammar>>> grammars;

    std::shared_ptr<const engine::Grammar> compile(const local_detail::GrammarSpec& spec) const {
        const std::string key = spec.key();
        {
            const std::lock_guard lock(grammar_mutex);
            for (auto it = grammars.begin(); it != grammars.end(); ++it)
                if (it->first == key) {
                    grammars.splice(grammars.begin(), grammars, it);
                    return grammars.front().second;
                }
        }
        std::shared_ptr<const engine::Grammar> g = engine::Grammar::from_gbnf(spec.gbnf, spec.root);
        const std::lock_guard lock(grammar_mutex);
        if (options.grammar_cache_size > 0) {
            grammars.emplace_front(key, g);
            while (grammars.size() > options.grammar_cache_size)
                grammars.pop_back();
        }
        return g;
    }

    Impl(std::shared_ptr<const engine::Model> m, LocalChatModelOptions o, std::string source, bool is_plain)
        : model(std::move(m)), options(std::move(o)), template_source(std::move(source)), plain(is_plain),
          tmpl(template_source) {}
};

const std::string& LocalChatModel::plain_chat_template() {
    static const std::string source = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n"
                                      "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
    return source;
}

LocalChatModel::LocalChatModel(std::shared_ptr<const engine::Model> model, LocalChatModelOptions options) {
    if (!model)
        throw Error(errc::invalid_argument, "LocalChatModel: no model");
    options.defaults.validate();
    std::string source;
    bool plain = false;
    if (options.chat_template) {
        source = *options.chat_template;
    } else if (auto t = model->chat_template()) {
        source = *t;
    } else {
        source = plain_chat_template();
        plain = true;
    }
    impl_ = std::make_unique<Impl>(model, std::move(options), std::move(source), plain);
    const engine::Tokenizer& tok = model->tokenizer();
    if (tok.bos()) {
        impl_->bos_text = model->token_text(*tok.bos());
        const std::vector<engine::TokenId> empty = tok.tokenize("", true);
        impl_->wants_bos = !empty.empty() && empty.front() == *tok.bos();
    }
    if (tok.eos())
        impl_->eos_text = model->token_text(*tok.eos());
    impl_->name = impl_->options.name.empty() ? default_name(*model) : impl_->options.name;
    impl_->syntax = detect_tool_call_format(impl_->template_source);
    if (impl_->options.tool_call_format)
        impl_->syntax.format = tool_call_format_from_name(*impl_->options.tool_call_format);
    impl_->scheduler = std::make_unique<LocalScheduler>(std::move(model), impl_->options.scheduler);
}

LocalChatModel::~LocalChatModel() = default;

std::string LocalChatModel::name() const { return impl_->name; }
const std::string& LocalChatModel::chat_template() const noexcept { return impl_->template_source; }
bool LocalChatModel::uses_plain_template() const noexcept { return impl_->plain; }
const LocalChatModelOptions& LocalChatModel::options() const noexcept { return impl_->options; }
const LocalScheduler& LocalChatModel::scheduler() const noexcept { return *impl_->scheduler; }
const engine::Model& LocalChatModel::model() const noexcept { return *impl_->model; }
const ToolCallSyntax& LocalChatModel::tool_call_syntax() const noexcept { return impl_->syntax; }

namespace {

// Attempts at saving a session: a request that takes the prefilled sequence in between forces another.
constexpr int session_save_attempts = 3;

std::vector<std::byte> read_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(errc::io, "load_session: cannot read " + path.string());
    std::vector<char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> out(data.size());
    std::memcpy(out.data(), data.data(), data.size());
    return out;
}

void write_bytes(const std::filesystem::path& path, const std::vector<std::byte>& bytes) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw Error(errc::io, "save_session: cannot write " + tmp.string());
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out)
            throw Error(errc::io, "save_session: cannot write " + tmp.string());
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
        throw Error(errc::io, "save_session: cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
}

} // namespace

std::size_t LocalChatModel::save_session(const Messages& messages, const std::filesystem::path& path,
                                         const GenerationOptions& options) const {
    GenerationOptions prefill = options;
    prefill.max_tokens = 1;
    prefill.temperature = 0.0;
    LocalRequest request = to_request(messages, prefill);
    request.grammar = nullptr; // only the prompt matters
    const std::vector<engine::TokenId> tokens = request.prompt;
    for (int attempt = 0; attempt < session_save_attempts; ++attempt) {
        if (std::optional<std::vector<std::byte>> bytes = impl_->scheduler->save_cached(tokens)) {
            write_bytes(path, *bytes);
            return tokens.size();
        }
        // Not cached in a free sequence: decode the prompt (one token sampled and dropped).
        impl_->scheduler->submit(request).result();
    }
    throw Error(errc::out_of_memory, "save_session: the conversation's sequence was taken by other requests " +
                                         std::to_string(session_save_attempts) + " times; try again when the model is less busy");
}

std::size_t LocalChatModel::load_session(const std::filesystem::path& path) const {
    return impl_->scheduler->restore_cached(read_bytes(path)).size();
}

std::shared_ptr<const engine::Grammar> LocalChatModel::grammar_for(const GenerationOptions& options) const {
    const GenerationOptions o = impl_->options.defaults.merged(options);
    std::optional<local_detail::GrammarSpec> spec = local_detail::request_grammar(o, impl_->syntax, *impl_->model);
    return spec ? impl_->compile(*spec) : nullptr;
}

std::string LocalChatModel::render(const Messages& messages, const GenerationOptions& options) const {
    Value list = Value::array();
    for (const Message& m : messages) {
        Value j = m;
        j.erase("response_metadata");
        list.push_back(std::move(j));
    }
    Value context = Value::object();
    const bool no_tools = options.tool_choice.is_string() && options.tool_choice.get<std::string>() == "none";
    const Value tools = !options.tools.is_null() && !no_tools ? options.tools : Value();
    context["messages"] = impl_->syntax.format == ToolCallFormat::glm4 || impl_->syntax.format == ToolCallFormat::functionary_v3_2
                              ? prepare_template_messages(impl_->syntax.format, messages, tools)
                              : std::move(list);
    if (!tools.is_null())
        context["tools"] = tools;
    context["add_generation_prompt"] = true;
    context["bos_token"] = impl_->bos_text;
    context["eos_token"] = impl_->eos_text;
    return impl_->tmpl.render(context);
}

std::vector<engine::TokenId> LocalChatModel::tokenize(const std::string& text) const {
    const engine::Tokenizer& tok = impl_->model->tokenizer();
    std::vector<engine::TokenId> tokens = tok.tokenize(text, false, true);
    if (impl_->wants_bos && (tokens.empty() || tokens.front() != *tok.bos()))
        tokens.insert(tokens.begin(), *tok.bos());
    return tokens;
}

std::size_t LocalChatModel::count_tokens(const Message& message) const {
    // The markers a template puts around a message (role, start and end tokens) vary by family; 4 is what
    // ChatML and Llama 3 add, as approximate_token_count assumes.
    constexpr std::size_t markers = 4;
    const engine::Tokenizer& tok = impl_->model->tokenizer();
    std::size_t count = markers + tok.tokenize(message.content).size() + tok.tokenize(message.name).size();
    for (const ToolCall& call : message.tool_calls)
        count += tok.tokenize(call.name).size() + tok.tokenize(call.arguments.dump()).size();
    return count;
}

LocalRequest LocalChatModel::to_request(const Messages& messages, const GenerationOptions& call) const {
    const GenerationOptions o = impl_->options.defaults.merged(call);
    o.validate();
    if (messages.empty())
        throw Error(errc::invalid_argument, "LocalChatModel: no messages to answer");
    LocalRequest r;
    engine::SamplingOptions& s = r.sampling;
    if (o.temperature) s.temperature = static_cast<float>(*o.temperature);
    if (o.top_k) s.top_k = static_cast<int>(std::min<std::int64_t>(*o.top_k, std::numeric_limits<int>::max()));
    if (o.top_p) s.top_p = static_cast<float>(*o.top_p);
    if (o.min_p) s.min_p = static_cast<float>(*o.min_p);
    if (o.typical_p) s.typical_p = static_cast<float>(*o.typical_p);
    if (o.repeat_penalty) s.repeat_penalty = static_cast<float>(*o.repeat_penalty);
    if (o.frequency_penalty) s.frequency_penalty = static_cast<float>(*o.frequency_penalty);
    if (o.presence_penalty) s.presence_penalty = static_cast<float>(*o.presence_penalty);
    if (o.seed) s.seed = *o.seed;
    if (o.max_tokens) {
        if (*o.max_tokens > std::numeric_limits<int>::max())
            throw Error(errc::invalid_argument, "max_tokens " + std::to_string(*o.max_tokens) + " is too large");
        r.max_tokens = static_cast<int>(*o.max_tokens);
    }
    r.stop = o.stop;
    if (impl_->plain)
        r.stop.emplace_back(plain_end_of_turn);
    if (o.extra.is_object()) {
        if (auto it = o.extra.find("logit_bias"); it != o.extra.end())
            s.logit_bias = read_logit_bias(*it, impl_->model->info().n_vocab);
        if (auto it = o.extra.find("penalty_last_n"); it != o.extra.end() && !it->is_null()) {
            if (!it->is_number_integer() || it->get<long long>() < 0 || it->get<long long>() > (1 << 24))
                throw Error(errc::invalid_argument, "extra.penalty_last_n must be an integer in [0, 16777216], got " + it->dump());
            s.penalty_last_n = it->get<int>();
        }
        if (auto it = o.extra.find("ignore_eos"); it != o.extra.end() && !it->is_null()) {
            if (!it->is_boolean())
                throw Error(errc::invalid_argument, "extra.ignore_eos must be true or false, got " + it->dump());
            r.ignore_eos = it->get<bool>();
        }
    }

    if (std::optional<local_detail::GrammarSpec> spec = local_detail::request_grammar(o, impl_->syntax, *impl_->model)) {
        r.grammar = impl_->compile(*spec);
        r.grammar_options = spec->matcher;
    }

    const auto capacity = static_cast<std::size_t>(impl_->scheduler->seq_capacity());
    Messages conversation = messages;
    r.prompt = tokenize(render(conversation, o));
    if (impl_->options.overflow == ContextOverflow::drop_oldest_turns) {
        const std::size_t room = std::min<std::size_t>(static_cast<std::size_t>(r.max_tokens), capacity);
        while (r.prompt.size() + room > capacity && drop_oldest_turn(conversation))
            r.prompt = tokenize(render(conversation, o));
    }
    if (r.prompt.size() > capacity)
        throw Error(errc::out_of_memory,
                    "LocalChatModel: the prompt has " + std::to_string(r.prompt.size()) + " tokens, more than the " +
                        std::to_string(capacity) + " one sequence holds (n_ctx " +
                        std::to_string(capacity * static_cast<std::size_t>(impl_->scheduler->n_seq_max())) + " / " +
                        std::to_string(impl_->scheduler->n_seq_max()) + " sequences)" +
                        (impl_->options.overflow == ContextOverflow::error
                             ? "; ContextOverflow::drop_oldest_turns would drop old turns instead"
                             : " even with only the system messages and the last message"));
    return r;
}

Stream<MessageChunk> LocalChatModel::stream(Messages messages, GenerationOptions options, const RunContext& ctx) const {
    return run(this, std::move(messages), std::move(options), &ctx);
}

Stream<MessageChunk> LocalChatModel::run(const LocalChatModel* self, Messages messages, GenerationOptions options,
                                         const RunContext* ctx) {
    ctx->check();
    LocalRequest request = self->to_request(messages, options);
    request.control = ctx->run_control();
    const GenerationOptions merged = self->impl_->options.defaults.merged(options);
    std::unique_ptr<local_detail::AnswerParser> parser =
        local_detail::make_answer_parser(merged, self->impl_->syntax, self->impl_->options.malformed_tool_calls_as_content);
    LocalRequestHandle handle = self->impl_->scheduler->submit(std::move(request));

    bool first = true;
    bool tool_calls = false;
    auto mark = [&](MessageChunk& chunk) {
        if (first)
            chunk.role = "assistant";
        first = false;
        if (!chunk.tool_call_chunks.empty())
            tool_calls = true;
    };
    std::exception_ptr stopped;
    for (;;) {
        std::optional<std::string> piece;
        try {
            piece = handle.next();
        } catch (const Error& e) {
            if (e.kind() != errc::cancelled && e.kind() != errc::timeout)
                throw;
            stopped = std::current_exception();
        }
        if (stopped || !piece)
            break;
        for (MessageChunk& chunk : parser->push(*piece)) {
            mark(chunk);
            co_yield std::move(chunk);
        }
    }
    LocalResult result = handle.peek();
    if (!stopped) {
        result = handle.result();
        for (MessageChunk& chunk : parser->finish()) {
            mark(chunk);
            co_yield std::move(chunk);
        }
    }
    MessageChunk last;
    mark(last);
    const std::string reason = stopped ? "cancelled" : tool_calls ? "tool_calls" : finish_reason_name(result.finish_reason);
    last.response_metadata = Value{
        {"finish_reason", reason},
        {"usage",
         {{"prompt_tokens", result.prompt_tokens},
          {"completion_tokens", result.completion_tokens},
          {"total_tokens", result.prompt_tokens + result.completion_tokens},
          {"prompt_tokens_cached", result.prompt_tokens_cached}}},
        {"model", self->impl_->name}};
    co_yield std::move(last);
    if (stopped)
        std::rethrow_exception(stopped);
}

} // namespace braid
