using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>Contexts (generation, streaming, cancellation, embeddings), metadata-only models and chat templates.</summary>
    [TestFixture]
    public class ContextTests
    {
        // What llama.cpp's greedy continuation of "Once upon a time" starts with on stories260K.
        internal const string Story = ", there was a little girl named Lily. She";
        const string ChatMl = "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>\n{% endfor %}" +
                              "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

        static string Data(string name)
        {
            return Path.Combine(Environment.GetEnvironmentVariable("BRAID_TEST_DATA") ?? "tests/data", name);
        }

        internal static string Stories { get { return Data("models/stories260K.gguf"); } } // a real trained TinyStories llama
        internal static string Bert { get { return Data("models/tiny-bert-f16.gguf"); } }   // random-weight bert, mean pooling
        // stories260K with tests/data/capi/chat_template.jinja (made by the ctest fixture capi.make_chat_model)
        static string ChatModel { get { return Environment.GetEnvironmentVariable("BRAID_TEST_CHAT_MODEL"); } }

        internal static Context Cpu(Model model)
        {
            return model.NewContext(new ContextOptions { Backend = Backend.Cpu, NCtx = 256 });
        }

        internal static GenerateOptions Greedy(int maxTokens)
        {
            return new GenerateOptions { MaxTokens = maxTokens, Temperature = 0 };
        }

        static double Norm(float[] v)
        {
            double s = 0;
            foreach (float x in v)
                s += (double)x * x;
            return Math.Sqrt(s);
        }

        [Test]
        public void StructLayoutsMatchTheCHeaders()
        {
            // braid_generate_options: twelve 4-byte fields, the uint64 seed, the stop pointer and its count,
            // _reserved0 (version 1 ends there: BRAID_GENERATE_OPTIONS_V1_SIZE), the cancel token, the deadline and
            // _reserved1: 88 bytes on 64-bit platforms, none of them padding (capi/src/options_layout.cpp).
            int p = IntPtr.Size;
            Assert.AreEqual(48, (int)Marshal.OffsetOf(typeof(NativeMethods.GenerateOptions), "Seed"));
            Assert.AreEqual(56, (int)Marshal.OffsetOf(typeof(NativeMethods.GenerateOptions), "Stop"));
            Assert.AreEqual(56 + p, (int)Marshal.OffsetOf(typeof(NativeMethods.GenerateOptions), "StopCount"));
            Assert.AreEqual(56 + p + 8, (int)Marshal.OffsetOf(typeof(NativeMethods.GenerateOptions), "Cancel"));
            Assert.AreEqual(56 + 2 * p + 8, (int)Marshal.OffsetOf(typeof(NativeMethods.GenerateOptions), "TimeoutMs"));
            Assert.AreEqual(56 + 2 * p + 16, Marshal.SizeOf(typeof(NativeMethods.GenerateOptions)));
            // braid_embed_options: struct_size, flags, the cancel token, the deadline, _reserved0 (24 bytes).
            Assert.AreEqual(8, (int)Marshal.OffsetOf(typeof(NativeMethods.EmbedOptions), "Cancel"));
            Assert.AreEqual(8 + p, (int)Marshal.OffsetOf(typeof(NativeMethods.EmbedOptions), "TimeoutMs"));
            Assert.AreEqual(16 + p, Marshal.SizeOf(typeof(NativeMethods.EmbedOptions)));
            Assert.AreEqual(24, Marshal.SizeOf(typeof(NativeMethods.ContextOptions)));
            var d = new GenerateOptions(); // BRAID_GENERATE_OPTIONS_INIT
            Assert.AreEqual(256, d.MaxTokens);
            Assert.AreEqual(0.8f, d.Temperature);
            Assert.AreEqual(40, d.TopK);
            Assert.AreEqual(0.95f, d.TopP);
            Assert.AreEqual(0.05f, d.MinP);
            Assert.AreEqual(1.0f, d.TypicalP);
            Assert.AreEqual(1.0f, d.RepeatPenalty);
            Assert.AreEqual(64, d.PenaltyLastN);
            Assert.AreEqual(0UL, d.Seed);
            Assert.AreEqual(0, d.Stop.Count);
            Assert.IsNull(d.Cancel);
            Assert.AreEqual(0, d.TimeoutMilliseconds);
        }

        [Test]
        public void GreedyGenerationStreamsItsText()
        {
            var pieces = new List<string>();
            using (var model = Model.Load(Stories))
            using (var ctx = Cpu(model))
            {
                GenerateResult r = ctx.Generate("Once upon a time", Greedy(12), piece => { pieces.Add(piece); return true; });
                Assert.AreEqual(Story, r.Text);
                Assert.AreEqual(Story, string.Concat(pieces)); // the streamed pieces add up to the text
                Assert.GreaterOrEqual(pieces.Count, 2);
                Assert.AreEqual(12, r.Tokens.Length);
                Assert.AreEqual(StopReason.Length, r.StopReason);
                Assert.AreEqual(5, r.PromptTokens);
                Assert.IsTrue(r.PromptMs >= 0 && r.GenerateMs >= 0, r.Json);
                StringAssert.StartsWith("{\"text\":\"" + Story + "\",\"tokens\":[", r.Json);

                GenerateResult again = ctx.Generate("Once upon a time", Greedy(12)); // no delegate
                Assert.AreEqual(Story, again.Text);
                CollectionAssert.AreEqual(r.Tokens, again.Tokens);
                Assert.IsNotNull(ctx.Generate("Once").Text); // the defaults: sampled, 256 tokens

                StringAssert.StartsWith("{\"backend\":\"cpu\",\"device\":\"cpu", ctx.Info);
                StringAssert.Contains("\"n_ctx\":256,", ctx.Info);
                StringAssert.Contains("\"embedding\":false}", ctx.Info);
            }
        }

        [Test]
        public void StopStringsAndContinue()
        {
            string streamed = "";
            using (var model = Model.Load(Stories))
            using (var ctx = Cpu(model))
            {
                GenerateOptions o = Greedy(30);
                o.Stop.Add("named");
                GenerateResult r = ctx.Generate("Once upon a time", o, piece => { streamed += piece; return true; });
                Assert.AreEqual(", there was a little girl ", r.Text);
                Assert.AreEqual(StopReason.StopString, r.StopReason);
                Assert.AreEqual(r.Text, streamed); // no part of the stop string was streamed
                var two = new GenerateOptions { MaxTokens = 30, Temperature = 0, Stop = new[] { "xyz", "named" } };
                Assert.AreEqual(StopReason.StopString, ctx.Generate("Once upon a time", two).StopReason);

                // Continue the sequence: the cache keeps "Once upon a time, there was a little girl named".
                StringAssert.DoesNotContain("\"n_used\":0", ctx.Info);
                GenerateOptions more = Greedy(4);
                more.ContinueSequence = true;
                StringAssert.StartsWith(" She", ctx.Generate(" Lily.", more).Text);
                ctx.Clear();
                StringAssert.Contains("\"n_used\":0", ctx.Info);
            }
        }

        [Test]
        public void SeededSamplingIsDeterministic()
        {
            using (var model = Model.Load(Stories))
            using (var ctx = Cpu(model))
            {
                var o = new GenerateOptions { MaxTokens = 24, Temperature = 1, TopK = 0, TopP = 1, MinP = 0, Seed = 1234 };
                GenerateResult a = ctx.Generate("Once upon a time", o);
                GenerateResult b = ctx.Generate("Once upon a time", o);
                Assert.AreEqual(a.Text, b.Text);
                CollectionAssert.AreEqual(a.Tokens, b.Tokens);
                o.Seed = 99;
                CollectionAssert.AreNotEqual(a.Tokens, ctx.Generate("Once upon a time", o).Tokens);
                o.Seed = ulong.MaxValue;
                Assert.Greater(ctx.Generate("Once", o).Tokens.Length, 0);
            }
        }

        [Test]
        public void TheDelegateStopsTheGeneration()
        {
            var pieces = new List<string>();
            using (var model = Model.Load(Stories))
            using (var ctx = Cpu(model))
            {
                Assert.Throws<CancelledException>(() => ctx.Generate("Once upon a time", Greedy(40), piece =>
                {
                    pieces.Add(piece);
                    return pieces.Count < 3;
                }));
                Assert.AreEqual(3, pieces.Count);
                StringAssert.StartsWith(", there", string.Concat(pieces)); // what was delivered stays delivered
                Assert.AreEqual(Story, ctx.Generate("Once upon a time", Greedy(12)).Text); // still usable
            }
        }

        [Test]
        public void WhatTheDelegateThrowsPropagates()
        {
            using (var model = Model.Load(Stories))
            using (var ctx = Cpu(model))
            {
                var boom = new InvalidOperationException("stop generating");
                Assert.AreSame(boom, Assert.Throws<InvalidOperationException>(() => ctx.Generate("Once", Greedy(8), piece => { throw boom; })));
                // Using the context from its own delegate is turned away (one caller at a time).
                var busy = Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", Greedy(8), piece => { ctx.Clear(); return true; }));
                StringAssert.Contains("context is in use", busy.Message);
                Assert.AreEqual(Story, ctx.Generate("Once upon a time", Greedy(12)).Text);
            }
        }

        [Test]
        public void Embeddings()
        {
            using (var model = Model.Load(Bert))
            using (var ctx = Cpu(model))
            {
                StringAssert.Contains("\"has_weights\":true,\"embedding\":true", model.Info);
                StringAssert.Contains("\"embedding\":true", ctx.Info);
                float[] unit = ctx.Embed("Hello world");
                Assert.AreEqual(128, unit.Length);
                Assert.AreEqual(1.0, Norm(unit), 1e-5);
                float[] raw = ctx.Embed("Hello world", false);
                Assert.AreEqual(128, raw.Length);
                double n = Norm(raw);
                Assert.IsTrue(n > 0 && Math.Abs(n - 1.0) > 1e-3, "norm " + n);
                for (int i = 0; i < raw.Length; ++i)
                    Assert.AreEqual(unit[i], raw[i] / n, 1e-5);
                CollectionAssert.AreEqual(unit, ctx.Embed("Hello world", true)); // deterministic
                CollectionAssert.AreNotEqual(unit, ctx.Embed("Something else entirely"));
                Assert.Throws<UnsupportedException>(() => ctx.Generate("Hello")); // embedding models do not generate
                Assert.Throws<InvalidArgumentException>(() => ctx.Embed(null));
            }
            using (var model = Model.Load(Stories))
            using (var ctx = Cpu(model))
                Assert.Throws<UnsupportedException>(() => ctx.Embed("Hello")); // text models do not embed
        }

        [Test]
        public void Errors()
        {
            using (var model = Model.LoadMetadataOnly(Stories))
            {
                StringAssert.Contains("\"has_weights\":false", model.Info);
                var e = Assert.Throws<UnsupportedException>(() => model.NewContext());
                StringAssert.Contains("was loaded without weights", e.Message);
                using (var t = model.Tokenizer()) // the metadata and the tokenizer are there
                    Assert.Greater(t.VocabSize, 0);
            }
            using (var vocab = Model.Load(Data("vocab/ggml-vocab-llama-spm.gguf")))
                Assert.Throws<UnsupportedException>(() => vocab.NewContext());
            using (var model = Model.Load(Stories))
            {
                Assert.Throws<InvalidArgumentException>(() => model.NewContext(new ContextOptions { NCtx = -1 }));
                var big = Assert.Throws<InvalidArgumentException>(() => model.NewContext(new ContextOptions { Backend = Backend.Cpu, NCtx = 1 << 30 }));
                StringAssert.Contains("n_ctx 1073741824 is larger than", big.Message);
                var backend = Assert.Throws<InvalidArgumentException>(() => model.NewContext(new ContextOptions { Backend = (Backend)7 }));
                StringAssert.Contains("is not a braid_backend", backend.Message);
                Assert.Throws<InvalidArgumentException>(() => Context.Create(null));
                using (var ctx = Cpu(model))
                {
                    var e = Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", new GenerateOptions { MaxTokens = -1 }));
                    StringAssert.Contains("options->max_tokens is -1", e.Message);
                    Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", new GenerateOptions { TopP = 2 }));
                    Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", new GenerateOptions { Temperature = float.NaN }));
                    var nullStop = Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", new GenerateOptions { Stop = new[] { "a", null } }));
                    StringAssert.Contains("options->stop[1] is NULL", nullStop.Message);
                    Assert.Throws<InvalidArgumentException>(() => ctx.Generate("Once", new GenerateOptions { Stop = new[] { "" } }));
                    Assert.Throws<InvalidArgumentException>(() => ctx.Generate(null));
                    string longPrompt = "";
                    for (int i = 0; i < 300; ++i)
                        longPrompt += "Lily ran. ";
                    Assert.Throws<BraidOutOfMemoryException>(() => ctx.Generate(longPrompt));
                    Assert.AreEqual(Story, ctx.Generate("Once upon a time", Greedy(12)).Text); // still usable
                }
            }
        }

        [Test]
        public void ChatTemplates()
        {
            Assert.AreEqual("<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n",
                            ChatTemplate.Render(ChatMl, "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi!\"}], \"add_generation_prompt\": true}"));
            Assert.AreEqual("x", ChatTemplate.Render("{{ bos_token }}x")); // undefined prints ""
            var syntax = Assert.Throws<ParseException>(() => ChatTemplate.Render("line one\n{% if %}"));
            StringAssert.Contains("line 2, column", syntax.Message);
            var raised = Assert.Throws<TemplateException>(() => ChatTemplate.Render("{{ raise_exception('no system role') }}"));
            StringAssert.Contains("no system role", raised.Message);
            Assert.Throws<ParseException>(() => ChatTemplate.Render(ChatMl, "{\"messages\": ["));
            Assert.Throws<InvalidArgumentException>(() => ChatTemplate.Render(ChatMl, "[1, 2]"));
            Assert.Throws<InvalidArgumentException>(() => ChatTemplate.Render(null));

            using (var model = Model.Load(Stories)) // no template
            {
                Assert.IsNull(model.ChatTemplate);
                var none = Assert.Throws<NotFoundException>(() => model.ApplyChatTemplate("{\"messages\": []}"));
                StringAssert.Contains("has no chat template", none.Message);
            }
            using (var model = Model.Load(ChatModel))
            {
                StringAssert.Contains("\"has_chat_template\":true", model.Info);
                StringAssert.Contains("{{ bos_token }}{% for m in messages %}", model.ChatTemplate);
                Assert.AreEqual("<s><|im_start|>user\nHi<|im_end|>\n",
                                model.ApplyChatTemplate("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}"));
                Assert.AreEqual("B[tools]", model.ApplyChatTemplate("{\"messages\": [], \"tools\": [], \"bos_token\": \"B\"}"));
                string prompt = model.ApplyChatTemplate(
                    "{\"messages\": [{\"role\": \"user\", \"content\": \"Once upon a time\"}], \"add_generation_prompt\": true}");
                Assert.AreEqual("<s><|im_start|>user\nOnce upon a time<|im_end|>\n<|im_start|>assistant\n", prompt);
                using (var ctx = Cpu(model))
                {
                    GenerateOptions special = Greedy(4);
                    special.ParseSpecial = true;
                    GenerateResult r = ctx.Generate(prompt, special);
                    Assert.IsTrue(r.Tokens.Length > 0 && r.Tokens.Length <= 4, r.Json);
                    Assert.AreNotEqual(r.PromptTokens, ctx.Generate(prompt, Greedy(4)).PromptTokens); // control tokens parsed, or not
                }
            }
            using (var metadataOnly = Model.LoadMetadataOnly(ChatModel)) // templates need no weights
                Assert.IsNotNull(metadataOnly.ChatTemplate);
        }

        [Test]
        public void DisposeInAnyOrder()
        {
            var model = Model.Load(Stories);
            var first = Cpu(model);
            var second = Cpu(model);
            model.Dispose(); // the contexts keep its handle alive
            Assert.AreEqual(Story, first.Generate("Once upon a time", Greedy(12)).Text);
            first.Dispose();
            first.Dispose(); // idempotent
            Assert.Throws<ObjectDisposedException>(() => first.Generate("Once"));
            Assert.Throws<ObjectDisposedException>(() => first.Clear());
            Assert.Throws<ObjectDisposedException>(() => first.Embed("x"));
            Assert.AreEqual(Story, second.Generate("Once upon a time", Greedy(12)).Text);
            second.Dispose();

            var bert = Model.Load(Bert);
            var ctx = Context.Create(bert); // default options
            bert.Dispose();
            Assert.AreEqual(128, ctx.Embed("Hello").Length);
            ctx.Dispose();

            // Collected undisposed: the finalizers free context and model in either order.
            for (int i = 0; i < 4; ++i)
                Cpu(Model.Load(Stories));
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
