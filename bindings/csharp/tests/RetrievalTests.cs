using System;
using System.IO;
using NUnit.Framework;

namespace Braid.Tests
{
    /// <summary>
    /// Documents, splitters, vector stores, retrievers (parent document included), indexing (of folders too), the
    /// embeddings cache and the RAG helpers through the binding.
    /// </summary>
    [TestFixture]
    public class RetrievalTests
    {
        const string Village = "[{\"page_content\": \"The blacksmith forges swords near the old bridge\", \"id\": \"smith\","
            + " \"metadata\": {\"place\": \"village\"}},"
            + "{\"page_content\": \"The baker bakes bread every morning\", \"id\": \"baker\", \"metadata\": {\"place\": \"village\"}},"
            + "{\"page_content\": \"Dragons sleep in the mountain cave\", \"id\": \"dragon\", \"metadata\": {\"place\": \"mountain\"}}]";

        string dir;

        [SetUp]
        public void MakeDirectory()
        {
            dir = Path.Combine(Path.GetTempPath(), "braid_cs_retrieval_" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
        }

        [TearDown]
        public void RemoveDirectory()
        {
            Directory.Delete(dir, true);
        }

        [Test]
        public void LoadsAndSplitsAFolder()
        {
            File.WriteAllText(Path.Combine(dir, "a.txt"), "one two three four five six");
            File.WriteAllBytes(Path.Combine(dir, "bad.txt"), new byte[] { (byte)'o', (byte)'k', 0xff });
            string loaded = Retrieval.LoadDocuments(dir, "{\"glob\": [\"*.txt\"]}");
            StringAssert.Contains("\"page_content\":\"one two three four five six\"", loaded);
            StringAssert.Contains("bad.txt\",\"error\":\"parse\"", loaded);
            string chunks = Retrieval.SplitDocuments(loaded, "{\"chunk_size\": 10, \"chunk_overlap\": 0}");
            StringAssert.StartsWith("[{\"page_content\":\"one two\"", chunks);
            Assert.Throws<ParseException>(() => Retrieval.LoadDocuments(Path.Combine(dir, "bad.txt")));
            Assert.Throws<NotFoundException>(() => Retrieval.LoadDocuments(Path.Combine(dir, "none")));
            var bad = Assert.Throws<InvalidArgumentException>(() => Retrieval.SplitDocuments("[\"x\"]", "{\"chunk_size\": \"big\"}"));
            StringAssert.Contains("\"chunk_size\"", bad.Message);
        }

        [Test]
        public void SplitsByTokens()
        {
            using (var tokenizer = Tokenizer.Load(ContextTests.Stories))
            {
                string chunks = Retrieval.SplitDocumentsByTokens("[\"Once upon a time there was a little girl\"]", tokenizer,
                                                                 "{\"chunk_size\": 6, \"chunk_overlap\": 2}");
                StringAssert.StartsWith("[{\"page_content\":\"Once upon", chunks);
                Assert.Greater(chunks.Split(new[] { "page_content" }, StringSplitOptions.None).Length, 3);
                Assert.Throws<InvalidArgumentException>(() => Retrieval.SplitDocumentsByTokens("[\"x\"]", tokenizer, "{\"chunk_size\": 2, \"chunk_overlap\": 2}"));
            }
        }

        [Test]
        public void StoresSearchAndRetrieve()
        {
            string db = Path.Combine(dir, "kb.db");
            using (DeterministicEmbeddings embedder = DeterministicEmbeddings.Create(64))
            {
                Assert.AreEqual(64, embedder.Dimension);
                foreach (string spec in new[] { "{\"type\": \"exact\"}", "{\"type\": \"hnsw\"}", "{\"type\": \"faiss\"}",
                                                "{\"type\": \"sqlite\", \"path\": " + Json.Quote(db) + "}" })
                {
                    using (VectorStore store = VectorStore.Create(spec, embedder))
                    {
                        Assert.AreEqual("[\"smith\",\"baker\",\"dragon\"]", store.AddDocuments(Village));
                        Assert.AreEqual(3, store.Count);
                        Assert.AreEqual(64, store.Dimension);
                        StringAssert.StartsWith("[{\"document\":{\"page_content\":\"The blacksmith", store.Search("blacksmith swords", "{\"k\": 1}"));
                        string hits = store.Search("blacksmith swords", "{\"filter\": {\"place\": \"mountain\"}}");
                        StringAssert.Contains("\"id\":\"dragon\"", hits);
                        StringAssert.DoesNotContain("smith", hits);
                        Assert.AreEqual(1, store.Delete("[\"smith\"]"));
                        Assert.AreEqual("[]", store.Get("[\"smith\"]"));
                    }
                }
                using (VectorStore reopened = VectorStore.Create("{\"type\": \"sqlite\", \"path\": " + Json.Quote(db) + "}", embedder))
                    Assert.AreEqual(2, reopened.Count);
                string saved = Path.Combine(dir, "exact.bin");
                using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", embedder))
                {
                    store.AddDocuments(Village);
                    store.Save(saved);
                }
                using (VectorStore loaded = VectorStore.Load("exact", saved, embedder))
                using (Runnable retriever = loaded.AsRetriever("{\"k\": 1}"))
                using (PromptTemplate prompt = PromptTemplate.Of("{creature} in the mountain"))
                using (Runnable chain = prompt.Pipe(retriever))
                {
                    Assert.AreEqual("[{\"page_content\":\"The baker bakes bread every morning\",\"metadata\":{\"place\":\"village\"},\"id\":\"baker\"}]",
                                    retriever.Invoke("\"baker bread\""));
                    StringAssert.Contains("\"id\":\"dragon\"", chain.Invoke("{\"creature\": \"dragons\"}"));
                }
                var bad = Assert.Throws<InvalidArgumentException>(() => VectorStore.Create("{\"type\": \"chroma\"}", embedder));
                StringAssert.Contains("\"type\"", bad.Message);
            }
            Assert.Throws<InvalidArgumentException>(() => DeterministicEmbeddings.Create(0));
            Assert.Throws<InvalidArgumentException>(() => VectorStore.Create("{\"type\": \"exact\"}", null));
        }

        [Test]
        public void Bm25AndEnsemble()
        {
            using (DeterministicEmbeddings embedder = DeterministicEmbeddings.Create(64))
            using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", embedder))
            using (Runnable bm25 = Retrieval.Bm25Retriever(Village, "{\"k\": 2}"))
            {
                store.AddDocuments(Village);
                StringAssert.StartsWith("[{\"page_content\":\"The baker", bm25.Invoke("\"bread morning\""));
                using (Runnable dense = store.AsRetriever())
                using (Runnable ensemble = Retrieval.EnsembleRetriever(new[] { bm25, dense }, "{\"weights\": [0.5, 0.5], \"k\": 1}"))
                    StringAssert.StartsWith("[{\"page_content\":\"Dragons sleep", ensemble.Invoke("\"dragons cave\""));
                Assert.Throws<InvalidArgumentException>(() => Retrieval.EnsembleRetriever(new[] { bm25 }, "{\"weights\": [1, 2]}"));
            }
        }

        [Test]
        public void RewritesQueriesAndCompresses()
        {
            using (Runnable bm25 = Retrieval.Bm25Retriever(Village, "{\"k\": 1}"))
            using (Runnable model = FakeChatModel.Of("1. blacksmith swords\n2. dragons cave"))
            using (Runnable multi = Retrieval.MultiQueryRetriever(bm25, model))
            using (Runnable all = Retrieval.Bm25Retriever(Village, "{\"k\": 3}"))
            using (DeterministicEmbeddings embedder = DeterministicEmbeddings.Create(64))
            using (Runnable filtered = Retrieval.EmbeddingsFilterRetriever(all, embedder, "{\"similarity_threshold\": 0.5}"))
            using (Runnable copier = FakeChatModel.Of("Dragons sleep"))
            using (Runnable extracted = Retrieval.LlmExtractorRetriever(bm25, copier))
            {
                string found = multi.Invoke("\"who makes weapons?\"");
                StringAssert.Contains("\"id\":\"smith\"", found);
                StringAssert.Contains("\"id\":\"dragon\"", found);
                StringAssert.DoesNotContain("baker", found);
                string kept = filtered.Invoke("\"dragons mountain cave\"");
                StringAssert.StartsWith("[{\"page_content\":\"Dragons sleep in", kept);
                StringAssert.DoesNotContain("smith", kept);
                StringAssert.StartsWith("[{\"page_content\":\"Dragons sleep\",\"metadata\"", extracted.Invoke("\"dragons\""));
                Assert.Throws<InvalidArgumentException>(() => Retrieval.LlmExtractorRetriever(bm25, copier, "{\"prompt\": \"{question}\"}"));
            }
        }

        [Test]
        public void IndexesWithCleanup()
        {
            string docs = "[{\"page_content\": \"iron\", \"metadata\": {\"source\": \"a\"}},"
                + "{\"page_content\": \"gold\", \"metadata\": {\"source\": \"b\"}}]";
            string records = Path.Combine(dir, "records.db");
            string options = "{\"namespace\": \"kb\", \"cleanup\": \"full\"}";
            using (DeterministicEmbeddings embedder = DeterministicEmbeddings.Create(32))
            using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", embedder))
            {
                Assert.AreEqual("{\"num_added\":2,\"num_updated\":0,\"num_skipped\":0,\"num_deleted\":0}", store.Index(docs, records, options));
                Assert.AreEqual("{\"num_added\":0,\"num_updated\":0,\"num_skipped\":2,\"num_deleted\":0}", store.Index(docs, records, options));
                Assert.AreEqual("{\"num_added\":0,\"num_updated\":0,\"num_skipped\":1,\"num_deleted\":1}",
                                store.Index("[{\"page_content\": \"iron\", \"metadata\": {\"source\": \"a\"}}]", records, options));
                Assert.AreEqual(1, store.Count);
                var bad = Assert.Throws<InvalidArgumentException>(() => store.Index(docs, records, "{}"));
                StringAssert.Contains("\"namespace\" is required", bad.Message);
            }
        }

        [Test]
        public void LocalEmbeddingsFindTheSameText()
        {
            using (Model model = Model.Load(ContextTests.Bert))
            using (LocalEmbeddings embedder = LocalEmbeddings.Create(model, new LocalEmbeddingsOptions { Backend = Backend.Cpu, Threads = 2 }))
            using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", embedder))
            {
                store.AddDocuments(Village);
                StringAssert.Contains("\"id\":\"dragon\"", store.Search("Dragons sleep in the mountain cave", "{\"k\": 1}"));
            }
        }
    
        [Test]
        public void IndexesAFolder()
        {
            string docs = Path.Combine(dir, "docs");
            Directory.CreateDirectory(docs);
            File.WriteAllText(Path.Combine(docs, "swords.txt"), "Oil the blade of a sword every week.");
            File.WriteAllBytes(Path.Combine(docs, "bad.txt"), new byte[] { (byte)'o', (byte)'k', 0xff });
            string records = Path.Combine(dir, "records.db");
            const string options = "{\"namespace\": \"docs\", \"split\": {\"chunk_size\": 100, \"chunk_overlap\": 0}}";
            using (DeterministicEmbeddings embedder = DeterministicEmbeddings.Create(32))
            using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", embedder))
            {
                string first = store.IndexDirectory(docs, records, options);
                StringAssert.StartsWith("{\"num_added\":1,\"num_updated\":0,\"num_skipped\":0,\"num_deleted\":0,\"files_loaded\":1,", first);
                StringAssert.Contains("bad.txt\",\"error\":\"parse\"", first);
                StringAssert.StartsWith("{\"num_added\":0,\"num_updated\":0,\"num_skipped\":1,", store.IndexDirectory(docs, records, options));
                var bad = Assert.Throws<InvalidArgumentException>(() => store.IndexDirectory(Path.Combine(dir, "none"), records, options));
                StringAssert.Contains("does not exist", bad.Message);
            }
        }

        [Test]
        public void ParentDocumentRetrieverReturnsWholeParents()
        {
            const string parents = "[{\"page_content\": \"The blacksmith forges swords near the old bridge. The baker bakes bread every morning.\","
                + " \"id\": \"village\"}, {\"page_content\": \"Dragons sleep in the mountain cave.\", \"id\": \"mountain\"}]";
            using (DeterministicEmbeddings embedder = DeterministicEmbeddings.Create(64))
            using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", embedder))
            using (ParentDocumentRetriever retriever = ParentDocumentRetriever.Create(store,
                       "{\"child_splitter\": {\"chunk_size\": 50, \"chunk_overlap\": 0}, \"search\": {\"k\": 1}}"))
            using (Runnable runnable = retriever.AsRetriever())
            {
                Assert.AreEqual("[\"village\",\"mountain\"]", retriever.AddDocuments(parents));
                Assert.AreEqual(3, store.Count);
                Assert.AreEqual("[{\"page_content\":\"The blacksmith forges swords near the old bridge. The baker bakes bread every morning.\","
                                + "\"metadata\":{},\"id\":\"village\"}]", runnable.Invoke("\"The baker bakes bread every morning.\""));
                var bad = Assert.Throws<InvalidArgumentException>(() => ParentDocumentRetriever.Create(store, "{}"));
                StringAssert.Contains("\"child_splitter\" is required", bad.Message);
            }
        }

        [Test]
        public void CachedEmbeddingsEmbedOnce()
        {
            string cache = Path.Combine(dir, "cache.db");
            using (DeterministicEmbeddings model = DeterministicEmbeddings.Create(32))
            using (CachedEmbeddings cached = CachedEmbeddings.Create(model, cache, "deterministic-32"))
            using (VectorStore store = VectorStore.Create("{\"type\": \"exact\"}", cached))
            {
                store.AddDocuments("[\"swords\", \"shields\"]");
                Assert.AreEqual(0, cached.Hits);
                Assert.AreEqual(2, cached.Misses);
                store.AddDocuments("[\"swords\", \"shields\"]");
                Assert.AreEqual(2, cached.Hits);
                Assert.AreEqual(2, cached.Misses);
                Assert.Throws<InvalidArgumentException>(() => CachedEmbeddings.Create(model, cache, ""));
            }
        }

        [Test]
        public void RagHelpers()
        {
            const string sources = "[{\"page_content\": \"Oil swords weekly.\", \"metadata\": {\"source\": \"manual.md\"}, \"id\": \"a\"},"
                + "{\"page_content\": \"Paint shields red.\", \"id\": \"b\"}]";
            Assert.AreEqual("[1] (manual.md) Oil swords weekly.\n\n[2] () Paint shields red.", Retrieval.FormatDocuments(sources));
            string cited = Retrieval.ParseCitations("Oil them [1]; see also [9].", sources);
            StringAssert.StartsWith("{\"numbers\":[1],\"documents\":[{\"page_content\":\"Oil swords weekly.\"", cited);
            StringAssert.EndsWith("\"unknown\":[9]}", cited);
            Assert.AreEqual("[{\"index\":1,\"id\":\"a\",\"source\":\"manual.md\"},{\"index\":2,\"id\":\"b\",\"source\":null}]",
                            Retrieval.SourceList(sources));
            Assert.Throws<NotFoundException>(() => Retrieval.FormatDocuments(sources, "{\"template\": \"{author}\"}"));
            using (Runnable bm25 = Retrieval.Bm25Retriever(Village, "{\"k\": 1}"))
            using (RetrieverTool tool = Retrieval.RetrieverTool(bm25, "village_lore", "Finds facts about the village."))
            {
                StringAssert.Contains("\"name\":\"village_lore\"", tool.SchemaJson);
                Assert.AreEqual("\"[1] () Dragons sleep in the mountain cave\"", tool.Runnable.Invoke("{\"query\": \"dragons cave\"}"));
                Assert.Throws<ToolException>(() => tool.Runnable.Invoke("{\"q\": \"dragons\"}"));
                Assert.Throws<InvalidArgumentException>(() => Retrieval.RetrieverTool(bm25, "bad name", "x"));
            }
        }
    }
}
