using System;
using System.Collections.Generic;
using System.Text;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>Local chat models and embedders, grammars and the tool-call parser through the C# binding.</summary>
    [TestFixture]
    public class LocalModelsTests
    {
        // The messages' text alone: the prompt of "Once upon a time" is that text, as a Context would see it.
        const string BareTemplate = "{% for m in messages %}{{ m.content }}{% endfor %}";

        static LocalChatModelOptions Greedy(int maxTokens)
        {
            return new LocalChatModelOptions
            {
                Backend = Backend.Cpu, Threads = 2, NSeqMax = 2, NCtx = 512, ChatTemplate = BareTemplate,
                DefaultsJson = "{\"temperature\": 0, \"max_tokens\": " + maxTokens + "}",
            };
        }

        static string Content(string messageJson)
        {
            return (string)((Dictionary<string, object>)JsonReader.Parse(messageJson))["content"];
        }

        [Test]
        public void StructLayoutsMatchTheCHeaders()
        {
            Assert.AreEqual(80, System.Runtime.InteropServices.Marshal.SizeOf(typeof(LocalModelsNativeMethods.LocalChatModelOptions)));
            Assert.AreEqual(36, System.Runtime.InteropServices.Marshal.SizeOf(typeof(LocalModelsNativeMethods.LocalEmbeddingsOptions)));
            Assert.AreEqual(32, System.Runtime.InteropServices.Marshal.OffsetOf(typeof(LocalModelsNativeMethods.LocalEmbeddingsOptions), "Pooling").ToInt32());
            Assert.AreEqual(12, System.Runtime.InteropServices.Marshal.SizeOf(typeof(LocalModelsNativeMethods.JsonSchemaOptions)));
        }

        [Test]
        public void InvokeEqualsTheEnginesGreedyText()
        {
            using (Model model = Model.Load(ContextTests.Stories))
            using (LocalChatModel chat = LocalChatModel.Create(model, Greedy(16)))
            using (Context ctx = ContextTests.Cpu(model))
            {
                string answer = chat.Invoke("\"Once upon a time\"");
                Assert.AreEqual(ctx.Generate("Once upon a time", ContextTests.Greedy(16)).Text, Content(answer));
                StringAssert.StartsWith(ContextTests.Story, Content(answer));
                StringAssert.Contains("\"finish_reason\"", answer);
            }
        }

        [Test]
        public void StreamsChunksThatAddUpToTheAnswer()
        {
            using (Model model = Model.Load(ContextTests.Stories))
            using (LocalChatModel chat = LocalChatModel.Create(model, Greedy(12)))
            {
                string answer = Content(chat.Invoke("\"Once upon a time\""));
                StringBuilder text = new StringBuilder();
                int chunks = 0;
                string last = null;
                foreach (string chunk in chat.Stream("\"Once upon a time\""))
                {
                    last = chunk;
                    StringAssert.StartsWith("{", chunk);
                    text.Append(Content(chunk) ?? "");
                    ++chunks;
                }
                Assert.GreaterOrEqual(chunks, 2); // the text (a slow consumer gets pieces together), then the last chunk
                Assert.AreEqual(answer, text.ToString());
                StringAssert.Contains("\"finish_reason\"", last);
            }
        }

        [Test]
        public void ACancelledTokenStopsTheRun()
        {
            using (Model model = Model.Load(ContextTests.Stories))
            using (LocalChatModel chat = LocalChatModel.Create(model, Greedy(64)))
            using (CancelToken token = new CancelToken())
            {
                token.Cancel();
                Assert.Throws<CancelledException>(() => chat.Invoke("\"Once upon a time\"", new RunOptions { Cancel = token }));
                Assert.IsNotEmpty(Content(chat.Invoke("\"Once upon a time\"")));
            }
        }

        [Test]
        public void SessionsSkipThePrefill()
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "braid_cs_" + Guid.NewGuid().ToString("N") + ".session");
            const string conversation = "\"Once upon a time, there was a little girl named Lily\"";
            try
            {
                using (Model model = Model.Load(ContextTests.Stories))
                {
                    long saved;
                    using (LocalChatModel chat = LocalChatModel.Create(model, Greedy(8)))
                        saved = chat.SaveSession(conversation, path);
                    Assert.Greater(saved, 5);
                    using (LocalChatModel fresh = LocalChatModel.Create(model, Greedy(8)))
                    {
                        Assert.AreEqual(saved, fresh.LoadSession(path));
                        StringAssert.DoesNotContain("\"prompt_tokens_cached\":0", fresh.Invoke(conversation));
                        Assert.Throws<BraidIOException>(() => fresh.LoadSession(path + ".missing"));
                    }
                }
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }

        [Test]
        public void BadOptionsAreNamed()
        {
            using (Model model = Model.Load(ContextTests.Stories))
            {
                ParseException e = Assert.Throws<ParseException>(() => LocalChatModel.Create(model, new LocalChatModelOptions { DefaultsJson = "{\"temperature\": " }));
                StringAssert.Contains("options->defaults_json", e.Message);
                Assert.Throws<InvalidArgumentException>(() => LocalChatModel.Create(model, new LocalChatModelOptions { Threads = -1 }));
                using (LocalEmbeddings decoder = LocalEmbeddings.Create(model)) // a decoder embeds too (mean pooling)
                    Assert.AreEqual(64, decoder.Dimension);
                StringAssert.Contains("hermes", Assert.Throws<InvalidArgumentException>(() => LocalChatModel.Create(model, new LocalChatModelOptions { ToolCallFormat = "nonsense" })).Message);
            }
        }

        static float[][] DecoderVectors(Model model, EmbeddingsPooling pooling)
        {
            var options = new LocalEmbeddingsOptions { Backend = Backend.Cpu, Threads = 2, Pooling = pooling };
            using (LocalEmbeddings emb = LocalEmbeddings.Create(model, options))
                return emb.Embed(new[] { "Once upon a time", "Tom had a big red ball." });
        }

        static double LargestDifference(float[][] a, float[][] b)
        {
            double worst = 0;
            for (int i = 0; i < a.Length; ++i)
                for (int j = 0; j < a[i].Length; ++j)
                    worst = Math.Max(worst, Math.Abs(a[i][j] - b[i][j]));
            return worst;
        }

        [Test]
        public void DecoderPoolingIsChosen()
        {
            using (Model model = Model.Load(ContextTests.Stories))
            {
                float[][] byDefault = DecoderVectors(model, EmbeddingsPooling.Default);
                float[][] byMean = DecoderVectors(model, EmbeddingsPooling.Mean);
                float[][] byLast = DecoderVectors(model, EmbeddingsPooling.Last);
                float[][] byFirst = DecoderVectors(model, EmbeddingsPooling.Cls);
                Assert.AreEqual(0.0, LargestDifference(byDefault, byMean), 1e-6); // stories260K has no pooling_type: mean
                Assert.Greater(LargestDifference(byLast, byMean), 1e-2);
                Assert.Greater(LargestDifference(byFirst, byLast), 1e-2);
                Assert.Greater(LargestDifference(byFirst, byMean), 1e-2);
                var bad = Assert.Throws<InvalidArgumentException>(() => DecoderVectors(model, (EmbeddingsPooling)7));
                StringAssert.Contains("options->pooling", bad.Message);
            }
        }

        [Test]
        public void EmbeddingsEqualTheContexts()
        {
            using (Model model = Model.Load(ContextTests.Bert))
            using (LocalEmbeddings emb = LocalEmbeddings.Create(model, new LocalEmbeddingsOptions { Backend = Backend.Cpu, Threads = 2 }))
            using (Context ctx = ContextTests.Cpu(model))
            {
                int dim = emb.Dimension;
                Assert.Greater(dim, 0);
                string[] texts = { "a cat sat on the mat", "stock markets fell today" };
                float[][] vectors = emb.Embed(texts);
                Assert.AreEqual(2, vectors.Length);
                for (int i = 0; i < 2; ++i)
                {
                    float[] expected = ctx.Embed(texts[i]);
                    Assert.AreEqual(dim, vectors[i].Length);
                    for (int k = 0; k < dim; ++k)
                        Assert.AreEqual(expected[k], vectors[i][k], 1e-4f);
                }
                using (Runnable r = emb.AsRunnable())
                    StringAssert.StartsWith("[[", r.Invoke("[\"one\", \"two\"]"));
                using (CancelToken token = new CancelToken())
                {
                    token.Cancel();
                    Assert.Throws<CancelledException>(() => emb.Embed(texts, new RunOptions { Cancel = token }));
                }
            }
        }

        [Test]
        public void GrammarsAndToolCalls()
        {
            using (Grammar g = Grammar.CompileGbnf("root ::= (\"yes\" | \"no\") \"!\"*"))
            {
                Assert.IsTrue(g.Accepts("yes!!"));
                Assert.IsFalse(g.Accepts("maybe"));
                StringAssert.StartsWith("root ::=", g.Source);
            }
            Assert.Throws<ParseException>(() => Grammar.CompileGbnf("root ::= (\"a\""));
            const string schema = "{\"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}, \"required\": [\"n\"]}";
            using (Grammar g = Grammar.FromJsonSchema(schema))
            {
                Assert.IsTrue(g.Accepts("{\"n\": 42}"));
                Assert.IsFalse(g.Accepts("{\"n\": \"x\"}"));
            }
            using (Grammar g = Grammar.FromJsonSchema(schema, JsonSchemaFlags.FlexibleWhitespace))
                Assert.IsTrue(g.Accepts("{\n  \"n\": 1\n}"));
            Assert.Throws<UnsupportedException>(() => Grammar.FromJsonSchema("{\"not\": {\"multipleOf\": 3}}"));
            string message = ToolCalls.Parse("hermes", "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>");
            StringAssert.Contains("\"get_weather\"", message);
            StringAssert.Contains("\"Paris\"", message);
            Assert.Throws<InvalidArgumentException>(() => ToolCalls.Parse("nonsense", "text"));
        }
    }
}
