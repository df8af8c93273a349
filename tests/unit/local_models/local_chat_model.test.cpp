// LocalChatModel: the prompt is the chat template's rendering, greedy answers are engine::generate's,
// many threads share one scheduler, streams carry usage and finish_reason, cancellation stops one
// answer, the prompt cache serves follow-up turns, every option does what it says, overflow policies.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "braid/core/runnable.hpp"
#include "braid/engine/chat_template.hpp"
#include "braid/engine/generator.hpp"
#include "braid/error.hpp"
#include "braid/models/local_chat_model.hpp"
#include "local_test_util.hpp"

namespace engine = braid::engine;
using braid::GenerationOptions;
using braid::LocalChatModel;
using braid::LocalChatModelOptions;
using braid::Message;
using braid::MessageChunk;
using braid::Messages;
using braid::Value;

namespace {

std::string chatml() {
    std::ifstream in(local_test::models_dir() / "chatml.jinja", std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

LocalChatModelOptions chat_options(int n_seq = 4, std::int64_t per_seq = 512, bool chatml_override = true) {
    LocalChatModelOptions o;
    o.scheduler.n_seq_max = n_seq;
    o.scheduler.n_ctx = per_seq * n_seq;
    o.scheduler.threads = 2;
    if (chatml_override)
        o.chat_template = chatml();
    o.defaults.temperature = 0.0;
    o.defaults.max_tokens = 16;
    return o;
}

std::shared_ptr<LocalChatModel> make_model(LocalChatModelOptions o = chat_options()) {
    return std::make_shared<LocalChatModel>(local_test::stories(), std::move(o));
}

Messages conversation(const std::string& user) {
    return {Message::system("You tell stories."), Message::user(user)};
}

const braid::RunConfig& config() { return braid::default_run_config(); }

Message ask(const LocalChatModel& model, const Messages& messages, const GenerationOptions& options = {}) {
    return model.generate(messages, options, braid::RunContext(config()));
}


bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + static_cast<std::size_t>(n) > s.size())
            return false;
        i += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

using local_test::kind_of;

TEST_CASE("[local_chat_model] the prompt is the chat template's rendering, with one BOS", "[engine]") {
    const auto model = make_model();
    const Messages messages = conversation("Tell me about a cat.");
    const Value tools = Value::array({Value{{"type", "function"}, {"function", {{"name", "f"}}}}});
    GenerationOptions with_tools;
    with_tools.tools = tools;
    Value list = Value::array();
    for (const Message& m : messages)
        list.push_back(Value(m));
    const std::string expected = engine::ChatTemplate(chatml()).render(
        Value{{"messages", list}, {"tools", tools}, {"add_generation_prompt", true}, {"bos_token", "<s>"}, {"eos_token", "</s>"}});
    CHECK(model->render(messages, with_tools) == expected);
    CHECK(expected == "<|im_start|>system\nYou tell stories.<|im_end|>\n<|im_start|>user\nTell me about a cat.<|im_end|>\n"
                      "<|im_start|>assistant\n");
    // Response metadata of an earlier answer does not reach the template.
    Messages with_meta = messages;
    with_meta[0].response_metadata = Value{{"finish_reason", "stop"}};
    CHECK(model->render(with_meta) == expected);

    const auto& tok = local_test::stories()->tokenizer();
    const std::vector<engine::TokenId> tokens = model->tokenize(expected);
    REQUIRE(tokens.size() > 2);
    CHECK(tokens.front() == *tok.bos()); // stories260K's vocabulary asks for BOS
    CHECK(tokens[1] != *tok.bos());
    // A template that writes bos_token itself: still one BOS.
    LocalChatModelOptions o = chat_options(1);
    o.chat_template = "{{ bos_token }}" + chatml();
    const auto with_bos = make_model(o);
    const std::vector<engine::TokenId> t2 = with_bos->tokenize(with_bos->render(messages));
    CHECK(t2 == tokens);
    // Tools reach a template that uses them, unless tool_choice is "none".
    o.chat_template = "{% if tools %}TOOLS {{ tools | tojson }}\n{% endif %}" + chatml();
    const auto tool_model = make_model(o);
    const std::string rendered = tool_model->render(messages, with_tools);
    CHECK(rendered.rfind("TOOLS [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]\n", 0) == 0);
    with_tools.tool_choice = "none";
    CHECK(tool_model->render(messages, with_tools) == expected);
}

TEST_CASE("[local_chat_model] a model without a template uses the plain ChatML fallback", "[engine]") {
    const auto model = make_model(chat_options(1, 512, false));
    REQUIRE_FALSE(local_test::stories()->chat_template().has_value());
    CHECK(model->uses_plain_template());
    CHECK(model->chat_template() == LocalChatModel::plain_chat_template());
    CHECK(model->render(conversation("Hi")) ==
          "<|im_start|>system\nYou tell stories.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    const braid::LocalRequest r = model->to_request(conversation("Hi"), {});
    CHECK(r.stop == std::vector<std::string>{"<|im_end|>"});
    const Message answer = ask(*model, conversation("Hi"));
    CHECK(answer.content.find("<|im_end|>") == std::string::npos);
}

TEST_CASE("[local_chat_model] count_tokens counts a message with the model's tokenizer", "[engine]") {
    const auto model = make_model(chat_options(1, 512, false));
    const braid::engine::Tokenizer& tok = local_test::stories()->tokenizer();
    const Message user = Message::user("Once upon a time there was a cat.");
    CHECK(model->count_tokens(user) == 4 + tok.tokenize(user.content).size());
    Message call = Message::assistant("", {braid::ToolCall{"c1", "roll_dice", Value{{"sides", 6}}}});
    CHECK(model->count_tokens(call) == 4 + tok.tokenize("roll_dice").size() + tok.tokenize(R"({"sides":6})").size());
    CHECK(model->count_tokens(Message::user("")) == 4);
}

TEST_CASE("[local_chat_model] greedy answers equal engine generate on the rendered prompt", "[engine]") {
    const auto model = make_model();
    for (const std::string& opening : {local_test::openings()[0], local_test::openings()[5]}) {
        const Messages messages = conversation(opening);
        const std::vector<engine::TokenId> prompt = model->tokenize(model->render(messages));
        engine::ContextOptions co;
        co.n_ctx = 512;
        co.threads = 2;
        engine::Context ctx = engine::Context::create(*local_test::stories(), co);
        engine::GenerateOptions g;
        g.max_tokens = 24;
        g.sampling.temperature = 0.0f;
        const engine::GenerateResult expected = engine::generate(*local_test::stories(), ctx, prompt, g);
        GenerationOptions o;
        o.max_tokens = 24;
        const Message got = ask(*model, messages, o);
        CHECK(got.role == "assistant");
        CHECK(got.content == expected.text);
        CHECK(got.response_metadata.at("usage").at("prompt_tokens") == prompt.size());
        CHECK(got.response_metadata.at("usage").at("completion_tokens") == expected.tokens.size());
    }
}

TEST_CASE("[local_chat_model] streams whole characters and ends with usage and finish_reason", "[engine]") {
    const auto model = make_model();
    const Messages messages = conversation("Once upon a time");
    const Message whole = ask(*model, messages);
    braid::RunContext ctx(config());
    braid::Stream<MessageChunk> chunks = model->stream(messages, {}, ctx);
    std::vector<MessageChunk> all = chunks.collect();
    REQUIRE(all.size() >= 2);
    CHECK(all.front().role == "assistant");
    MessageChunk sum;
    for (std::size_t i = 0; i < all.size(); ++i) {
        CHECK(valid_utf8(all[i].content));
        if (i + 1 < all.size()) {
            CHECK(all[i].response_metadata.is_null());
            CHECK_FALSE(all[i].content.empty());
        }
        sum += all[i];
    }
    const Value& meta = all.back().response_metadata;
    CHECK(meta.at("finish_reason") == "length");
    CHECK(meta.at("usage").at("completion_tokens") == 16);
    CHECK(meta.at("usage").at("total_tokens") ==
          meta.at("usage").at("prompt_tokens").get<int>() + meta.at("usage").at("completion_tokens").get<int>());
    CHECK(sum.to_message().content == whole.content);
    CHECK(sum.to_message().response_metadata.at("finish_reason") == "length");
    CHECK(whole.response_metadata.at("model") == model->name());
}

TEST_CASE("[local_chat_model] 16 threads call one model at once and get their own answers", "[engine]") {
    const auto model = make_model(chat_options(4));
    std::vector<Messages> inputs;
    for (const std::string& opening : local_test::openings()) {
        inputs.push_back(conversation(opening));
        inputs.push_back({Message::user(opening)});
    }
    REQUIRE(inputs.size() == 16);
    std::vector<std::string> expected;
    for (const Messages& m : inputs)
        expected.push_back(ask(*model, m).content);
    std::vector<std::string> got(inputs.size());
    std::vector<std::string> errors(inputs.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        threads.emplace_back([&, i] {
            try {
                got[i] = ask(*model, inputs[i]).content;
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    for (auto& t : threads)
        t.join();
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        INFO("request " << i);
        CHECK(errors[i].empty());
        CHECK(got[i] == expected[i]);
    }
    CHECK(model->scheduler().stats().max_active > 1);
    // batch() goes through the same scheduler.
    auto runnable = braid::make_runnable(model);
    std::vector<braid::PromptValue> prompts;
    for (std::size_t i = 0; i < 4; ++i)
        prompts.emplace_back(inputs[i]);
    const std::vector<Message> answers = runnable.batch(prompts);
    for (std::size_t i = 0; i < 4; ++i)
        CHECK(answers[i].content == expected[i]);
}

TEST_CASE("[local_chat_model] cancelling one stream stops it and the others finish", "[engine]") {
    const auto model = make_model(chat_options(4));
    braid::RunConfig cancel_config;
    cancel_config.cancellation = braid::CancellationToken();
    GenerationOptions long_answer;
    long_answer.max_tokens = 300;
    long_answer.extra = Value{{"ignore_eos", true}};
    std::vector<std::string> others(3);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < 3; ++i)
        threads.emplace_back([&, i] {
            GenerationOptions o;
            o.max_tokens = 40;
            o.extra = Value{{"ignore_eos", true}};
            const Message m = ask(*model, conversation(local_test::openings()[i]), o);
            others[i] = m.response_metadata.at("finish_reason").get<std::string>() + " " +
                        m.response_metadata.at("usage").at("completion_tokens").dump();
        });
    braid::RunContext ctx(cancel_config);
    braid::Stream<MessageChunk> chunks = model->stream(conversation("Once upon a time"), long_answer, ctx);
    std::vector<MessageChunk> got;
    try {
        while (auto c = chunks.next()) {
            got.push_back(*c);
            if (got.size() == 2)
                cancel_config.cancellation.cancel();
        }
        FAIL("the cancelled stream ended normally");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::cancelled);
    }
    for (auto& t : threads)
        t.join();
    REQUIRE_FALSE(got.empty());
    const Value& meta = got.back().response_metadata;
    CHECK(meta.at("finish_reason") == "cancelled");
    CHECK(meta.at("usage").at("completion_tokens").get<int>() < 300);
    for (const std::string& o : others)
        CHECK(o == "length 40");
}

TEST_CASE("[local_chat_model] a follow-up turn reuses the cached conversation and answers as a cold model", "[engine]") {
    LocalChatModelOptions o = chat_options(2);
    const auto warm = make_model(o);
    o.scheduler.prompt_cache = false;
    const auto cold = make_model(o);
    Messages messages = conversation(local_test::openings()[6]);
    const Message first = ask(*warm, messages);
    CHECK(first.response_metadata.at("usage").at("prompt_tokens_cached") == 0);
    messages.push_back(Message::assistant(first.content));
    messages.push_back(Message::user("What happened next?"));
    const auto decoded_before = warm->scheduler().stats().prompt_tokens;
    const Message hot = ask(*warm, messages);
    const auto decoded = warm->scheduler().stats().prompt_tokens - decoded_before;
    const Message cold_answer = ask(*cold, messages);
    const auto prompt_tokens = hot.response_metadata.at("usage").at("prompt_tokens").get<std::size_t>();
    const auto cached = hot.response_metadata.at("usage").at("prompt_tokens_cached").get<std::size_t>();
    CHECK(cached > prompt_tokens / 2);
    CHECK(decoded == prompt_tokens - cached);
    CHECK(cold_answer.response_metadata.at("usage").at("prompt_tokens_cached") == 0);
    CHECK(hot.content == cold_answer.content);
}

TEST_CASE("[local_chat_model] every option changes what it should", "[engine]") {
    const auto model = make_model(chat_options(2));
    const Messages messages = conversation("Once upon a time");
    const Message greedy = ask(*model, messages);
    const auto& tok = local_test::stories()->tokenizer();

    SECTION("max_tokens, and defaults under call options") {
        GenerationOptions o;
        o.max_tokens = 3;
        const Message m = ask(*model, messages, o);
        CHECK(m.response_metadata.at("usage").at("completion_tokens") == 3);
        CHECK(m.response_metadata.at("finish_reason") == "length");
        CHECK(greedy.content.rfind(m.content, 0) == 0); // a prefix of the longer greedy answer
        CHECK(greedy.response_metadata.at("usage").at("completion_tokens") == 16); // the model's default
        // Bound through the runnable (configurable keys).
        auto bound = braid::make_runnable(model).bind(Value{{"max_tokens", 5}});
        CHECK(bound.invoke(braid::PromptValue(messages)).response_metadata.at("usage").at("completion_tokens") == 5);
    }
    SECTION("stop strings cut the answer and finish with stop") {
        REQUIRE(greedy.content.size() > 8);
        const std::string stop = greedy.content.substr(5, 3);
        GenerationOptions o;
        o.stop = {stop};
        const Message m = ask(*model, messages, o);
        CHECK(m.content == greedy.content.substr(0, greedy.content.find(stop)));
        CHECK(m.response_metadata.at("finish_reason") == "stop");
    }
    SECTION("seed: same seed, same text; other seeds, other texts") {
        GenerationOptions o;
        o.temperature = 1.0;
        o.top_k = 0;
        o.top_p = 1.0;
        o.min_p = 0.0;
        o.max_tokens = 24;
        std::set<std::string> texts;
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            o.seed = seed;
            const std::string a = ask(*model, messages, o).content;
            CHECK(ask(*model, messages, o).content == a);
            texts.insert(a);
        }
        CHECK(texts.size() >= 2);
        // top_k 1, top_p near 0 or min_p 1 at any temperature keep only the most likely token: greedy.
        o.max_tokens = 16;
        o.top_k = 1;
        CHECK(ask(*model, messages, o).content == greedy.content);
        o.top_k = 0;
        o.top_p = 0.001;
        CHECK(ask(*model, messages, o).content == greedy.content);
        o.top_p = 1.0;
        o.min_p = 1.0;
        CHECK(ask(*model, messages, o).content == greedy.content);
    }
    SECTION("logit_bias forces or bans a token") {
        const engine::TokenId dog = tok.tokenize(" dog").back();
        const std::string piece = tok.token_to_piece(dog);
        GenerationOptions o;
        o.max_tokens = 4;
        o.extra = Value{{"logit_bias", {{std::to_string(dog), 100}}}};
        CHECK(ask(*model, messages, o).content == piece + piece + piece + piece);
        o.extra = Value{{"logit_bias", Value::array({Value::array({dog, 100.0})})}};
        CHECK(ask(*model, messages, o).content == piece + piece + piece + piece);
        // Banning the greedy first token changes the answer's start.
        const std::vector<engine::TokenId> greedy_tokens = tok.tokenize(greedy.content);
        REQUIRE_FALSE(greedy_tokens.empty());
        o.extra = Value{{"logit_bias", {{std::to_string(greedy_tokens[0]), -1e30}}}};
        o.max_tokens = 1;
        CHECK(ask(*model, messages, o).content != tok.token_to_piece(greedy_tokens[0]));
    }
    SECTION("penalties change a greedy answer") {
        GenerationOptions o;
        o.repeat_penalty = 3.0;
        o.frequency_penalty = 2.0;
        o.max_tokens = 16;
        CHECK(ask(*model, messages, o).content != greedy.content);
    }
    SECTION("bad options are clear errors") {
        GenerationOptions o;
        o.extra = Value{{"logit_bias", {{"abc", 1}}}};
        CHECK(kind_of([&] { ask(*model, messages, o); }) == braid::errc::invalid_argument);
        o.extra = Value{{"logit_bias", {{"99999", 1}}}};
        CHECK(kind_of([&] { ask(*model, messages, o); }) == braid::errc::invalid_argument);
        o.extra = Value{{"logit_bias", {{"5", "x"}}}};
        CHECK(kind_of([&] { ask(*model, messages, o); }) == braid::errc::invalid_argument);
        o.extra = Value{{"penalty_last_n", -1}};
        CHECK(kind_of([&] { ask(*model, messages, o); }) == braid::errc::invalid_argument);
        GenerationOptions rf;
        rf.response_format = Value{{"type", "json_schema"}}; // no json_schema.schema
        CHECK(kind_of([&] { ask(*model, messages, rf); }) == braid::errc::invalid_argument);
        CHECK(kind_of([&] { ask(*model, {}); }) == braid::errc::invalid_argument);
    }
}

TEST_CASE("[local_chat_model] a conversation longer than a sequence: an error by default, or old turns dropped", "[engine]") {
    Messages long_chat{Message::system("You tell stories.")};
    for (int i = 0; i < 12; ++i) {
        long_chat.push_back(Message::user(local_test::openings()[static_cast<std::size_t>(i % 8)]));
        long_chat.push_back(Message::assistant(local_test::openings()[static_cast<std::size_t>((i + 3) % 8)]));
    }
    long_chat.push_back(Message::user("What happened next?"));
    LocalChatModelOptions o = chat_options(1, 128);
    const auto strict = make_model(o);
    try {
        ask(*strict, long_chat);
        FAIL("an over-long conversation was accepted");
    } catch (const braid::Error& e) {
        CHECK(e.kind() == braid::errc::out_of_memory);
        CHECK_THAT(e.what(), Catch::Contains("128") && Catch::Contains("drop_oldest_turns"));
    }
    o.overflow = braid::ContextOverflow::drop_oldest_turns;
    const auto dropping = make_model(o);
    const Message m = dropping->generate(long_chat, {}, braid::RunContext(config()));
    const auto prompt_tokens = m.response_metadata.at("usage").at("prompt_tokens").get<std::size_t>();
    CHECK(prompt_tokens + 16 <= 128);
    const braid::LocalRequest r = dropping->to_request(long_chat, {});
    const std::string kept = local_test::stories()->tokenizer().detokenize(r.prompt);
    CHECK(kept.find("You tell stories.") != std::string::npos); // the system prompt stays
    CHECK(kept.find("What happened next?") != std::string::npos); // and the last message
    // Even the last message alone does not fit: the error.
    Messages huge{Message::user(std::string(2000, 'a'))};
    CHECK(kind_of([&] { ask(*dropping, huge); }) == braid::errc::out_of_memory);
}

TEST_CASE("[local_chat_model] a run's deadline stops the answer with errc timeout", "[engine]") {
    const auto model = make_model(chat_options(2, 1024));
    braid::RunConfig timed;
    timed.deadline = braid::RunClock::now() + std::chrono::milliseconds(5);
    GenerationOptions o;
    o.max_tokens = 1000;
    o.extra = Value{{"ignore_eos", true}};
    CHECK(kind_of([&] { model->generate(conversation("Once upon a time"), o, braid::RunContext(timed)); }) ==
          braid::errc::timeout);
    // The model goes on serving.
    CHECK(ask(*model, conversation("Tom")).response_metadata.at("finish_reason").is_string());
}
