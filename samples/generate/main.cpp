// braid engine sample: load a GGUF model, stream a greedy and a sampled continuation, then continue the
// same sequence (the KV cache keeps the first part), run two prompts as two sequences of one batch, and stop
// a generation from another thread and with a deadline (RunControl).
//
//   braid_sample_generate [MODEL.gguf]      (default: tests/data/models/stories260K.gguf)
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "braid/engine/generator.hpp"
#include "braid/error.hpp"

using namespace braid::engine;

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : BRAID_SAMPLE_MODEL;
    try {
        Model model = Model::load(path);
        const ModelInfo& info = model.info();
        std::printf("%s: %s, %lld layers, n_embd %lld, %.2f M parameters, loaded in %.1f ms\n\n", path.c_str(),
                    info.architecture.c_str(), static_cast<long long>(info.n_layer), static_cast<long long>(info.n_embd),
                    static_cast<double>(info.n_params) / 1e6, model.load_ms());
        Context ctx = Context::create(model);

        // 1. Greedy, streamed as it is generated.
        GenerateOptions greedy;
        greedy.max_tokens = 40;
        greedy.sampling.temperature = 0.0f;
        greedy.on_text = [](std::string_view piece) {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
            return true;
        };
        std::printf("1) greedy:\nOnce upon a time");
        const auto prompt = model.tokenizer().tokenize("Once upon a time", true);
        GenerateResult r = generate(model, ctx, prompt, greedy);
        std::printf("\n   [%zu tokens, stop: %s, %.0f tokens/s]\n\n", r.tokens.size(), stop_reason_name(r.stop_reason),
                    1000.0 * static_cast<double>(r.tokens.size()) / r.generate_ms);

        // 2. The same sequence continues: only the new tokens are decoded.
        std::printf("2) continuing the same sequence (position %d):\n... Then", ctx.next_position(0));
        greedy.max_tokens = 24;
        r = generate(model, ctx, model.tokenizer().tokenize("Then", false), greedy); // SPM adds the space
        std::printf("\n\n");

        // 3. Sampling with a seed and a stop string: the same seed gives the same text.
        std::printf("3) temperature 0.8, top-k 40, top-p 0.95, seed 42, stop at \".\":\n");
        GenerateOptions sampled;
        sampled.max_tokens = 60;
        sampled.sampling.seed = 42;
        sampled.stop = {"."};
        for (int i = 0; i < 2; ++i) {
            ctx.clear();
            r = generate(model, ctx, model.tokenizer().tokenize("The little dog", true), sampled);
            std::printf("   The little dog%s  [stop: %s]\n", r.text.c_str(), stop_reason_name(r.stop_reason));
        }

        // 4. Two sequences in one batch.
        std::printf("\n4) two prompts decoded together as sequences 0 and 1:\n");
        ContextOptions two;
        two.n_seq_max = 2;
        Context pair = Context::create(model, two);
        const auto a = model.tokenizer().tokenize("Tom had a red", true);
        const auto b = model.tokenizer().tokenize("The sun was", true);
        Batch batch;
        for (std::size_t i = 0; i < a.size(); ++i)
            batch.add(a[i], static_cast<std::int32_t>(i), 0, i + 1 == a.size());
        for (std::size_t i = 0; i < b.size(); ++i)
            batch.add(b[i], static_cast<std::int32_t>(i), 1, i + 1 == b.size());
        pair.decode(batch);
        SamplingOptions greedy_choice;
        greedy_choice.temperature = 0.0f;
        Sampler argmax(greedy_choice);
        std::printf("   \"Tom had a red\" → next \"%s\"; \"The sun was\" → next \"%s\"\n",
                    model.tokenizer().token_to_piece(argmax.sample(pair.logits(0))).c_str(),
                    model.tokenizer().token_to_piece(argmax.sample(pair.logits(1))).c_str());

        // 5. Run control: a UI thread cancels a long generation; a deadline bounds another. The text so far
        //    has been streamed (here each piece takes the "UI" 2 ms); the call ends with Error(cancelled) /
        //    Error(timeout).
        std::printf("\n5) cancelled from another thread after 30 ms, then a 20 ms deadline:\n");
        GenerateOptions endless;
        endless.max_tokens = 100000;
        endless.ignore_eos = true;
        std::size_t streamed = 0;
        endless.on_text = [&](std::string_view piece) {
            streamed += piece.size();
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            return true;
        };
        auto run = [&] {
            ctx.clear();
            streamed = 0;
            try {
                generate(model, ctx, prompt, endless);
            } catch (const braid::Error& e) {
                std::printf("   %s after %zu bytes of text: %s\n", braid::errc_name(e.kind()), streamed, e.what());
            }
        };
        endless.control.cancellation = braid::CancellationToken();
        std::thread ui([token = endless.control.cancellation] {
            std::this_thread::sleep_for(std::chrono::milliseconds(30));
            token.cancel();
        });
        run();
        ui.join();
        endless.control = braid::RunControl();
        endless.control.set_timeout(std::chrono::milliseconds(20));
        run();
    } catch (const braid::Error& e) {
        std::fprintf(stderr, "braid::Error(%s): %s\n", braid::errc_name(e.kind()), e.what());
        return 1;
    }
    return 0;
}
