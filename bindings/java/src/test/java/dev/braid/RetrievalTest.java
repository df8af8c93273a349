package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents, splitters, vector stores, retrievers (parent document included), indexing (of folders too), the
 * embeddings cache and the RAG helpers through the binding.
 */
class RetrievalTest {
    static final String VILLAGE = "[{\"page_content\": \"The blacksmith forges swords near the old bridge\", \"id\": \"smith\","
            + " \"metadata\": {\"place\": \"village\"}},"
            + "{\"page_content\": \"The baker bakes bread every morning\", \"id\": \"baker\", \"metadata\": {\"place\": \"village\"}},"
            + "{\"page_content\": \"Dragons sleep in the mountain cave\", \"id\": \"dragon\", \"metadata\": {\"place\": \"mountain\"}}]";

    @Test
    void loadsAndSplitsAFolder(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("a.txt"), "one two three four five six".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("bad.txt"), new byte[] {'o', 'k', (byte) 0xff});
        String loaded = Retrieval.loadDocuments(dir.toString(), "{\"glob\": [\"*.txt\"]}");
        assertTrue(loaded.contains("\"page_content\":\"one two three four five six\""), loaded);
        assertTrue(loaded.contains("bad.txt\",\"error\":\"parse\""), loaded);
        String chunks = Retrieval.splitDocuments(loaded, "{\"chunk_size\": 10, \"chunk_overlap\": 0}");
        assertTrue(chunks.startsWith("[{\"page_content\":\"one two\""), chunks);
        assertThrows(ParseException.class, () -> Retrieval.loadDocuments(dir.resolve("bad.txt").toString(), null));
        assertThrows(NotFoundException.class, () -> Retrieval.loadDocuments(dir.resolve("none").toString(), null));
        InvalidArgumentException bad = assertThrows(InvalidArgumentException.class,
            () -> Retrieval.splitDocuments("[\"x\"]", "{\"chunk_size\": \"big\"}"));
        assertTrue(bad.getMessage().contains("\"chunk_size\""), bad.getMessage());
    }

    @Test
    void splitsByTokens() {
        try (Tokenizer tokenizer = Tokenizer.load(EngineTest.data("models/stories260K.gguf"))) {
            String chunks = Retrieval.splitDocumentsByTokens("[\"Once upon a time there was a little girl\"]", tokenizer,
                                                             "{\"chunk_size\": 6, \"chunk_overlap\": 2}");
            assertTrue(chunks.startsWith("[{\"page_content\":\"Once upon"), chunks);
            assertTrue(chunks.split("page_content").length > 3, chunks);
            assertThrows(InvalidArgumentException.class,
                () -> Retrieval.splitDocumentsByTokens("[\"x\"]", tokenizer, "{\"chunk_size\": 2, \"chunk_overlap\": 2}"));
        }
    }

    @Test
    void storesSearchAndRetrieve(@TempDir Path dir) {
        try (DeterministicEmbeddings embedder = DeterministicEmbeddings.create(64)) {
            assertEquals(64, embedder.dimension());
            for (String spec : new String[] {"{\"type\": \"exact\"}", "{\"type\": \"hnsw\"}", "{\"type\": \"faiss\"}",
                                             "{\"type\": \"sqlite\", \"path\": " + Json.quote(dir.resolve("kb.db").toString()) + "}"}) {
                try (VectorStore store = VectorStore.create(spec, embedder)) {
                    assertEquals("[\"smith\",\"baker\",\"dragon\"]", store.addDocuments(VILLAGE));
                    assertEquals(3, store.size());
                    assertEquals(64, store.dimension());
                    String hits = store.search("blacksmith swords", "{\"k\": 1}");
                    assertTrue(hits.startsWith("[{\"document\":{\"page_content\":\"The blacksmith"), hits);
                    hits = store.search("blacksmith swords", "{\"filter\": {\"place\": \"mountain\"}}");
                    assertTrue(hits.contains("\"id\":\"dragon\"") && !hits.contains("smith"), hits);
                    assertEquals(1, store.delete("[\"smith\"]"));
                    assertEquals("[]", store.get("[\"smith\"]"));
                }
            }
            try (VectorStore reopened = VectorStore.create(
                     "{\"type\": \"sqlite\", \"path\": " + Json.quote(dir.resolve("kb.db").toString()) + "}", embedder)) {
                assertEquals(2, reopened.size());
            }
            try (VectorStore store = VectorStore.create("{\"type\": \"exact\"}", embedder)) {
                store.addDocuments(VILLAGE);
                store.save(dir.resolve("exact.bin").toString());
            }
            try (VectorStore loaded = VectorStore.load("exact", dir.resolve("exact.bin").toString(), embedder);
                 Runnable retriever = loaded.asRetriever("{\"k\": 1}");
                 PromptTemplate prompt = PromptTemplate.of("{creature} in the mountain");
                 Runnable chain = prompt.pipe(retriever)) {
                assertEquals("[{\"page_content\":\"The baker bakes bread every morning\",\"metadata\":{\"place\":\"village\"},"
                             + "\"id\":\"baker\"}]", retriever.invoke("\"baker bread\""));
                assertTrue(chain.invoke("{\"creature\": \"dragons\"}").contains("\"id\":\"dragon\""));
            }
            InvalidArgumentException bad = assertThrows(InvalidArgumentException.class,
                () -> VectorStore.create("{\"type\": \"chroma\"}", embedder));
            assertTrue(bad.getMessage().contains("\"type\""), bad.getMessage());
        }
        assertThrows(InvalidArgumentException.class, () -> DeterministicEmbeddings.create(0));
    }

    @Test
    void bm25AndEnsemble() {
        try (DeterministicEmbeddings embedder = DeterministicEmbeddings.create(64);
             VectorStore store = VectorStore.create("{\"type\": \"exact\"}", embedder);
             Runnable bm25 = Retrieval.bm25Retriever(VILLAGE, "{\"k\": 2}")) {
            store.addDocuments(VILLAGE);
            assertTrue(bm25.invoke("\"bread morning\"").startsWith("[{\"page_content\":\"The baker"));
            try (Runnable dense = store.asRetriever(null);
                 Runnable ensemble = Retrieval.ensembleRetriever(Arrays.asList(bm25, dense), "{\"weights\": [0.5, 0.5], \"k\": 1}")) {
                assertTrue(ensemble.invoke("\"dragons cave\"").startsWith("[{\"page_content\":\"Dragons sleep"));
            }
            assertThrows(InvalidArgumentException.class, () -> Retrieval.ensembleRetriever(Arrays.asList(bm25), "{\"weights\": [1, 2]}"));
        }
    }

    @Test
    void rewritesQueriesAndCompresses() {
        try (Runnable bm25 = Retrieval.bm25Retriever(VILLAGE, "{\"k\": 1}");
             Runnable model = FakeChatModel.of("1. blacksmith swords\n2. dragons cave");
             Runnable multi = Retrieval.multiQueryRetriever(bm25, model, null);
             Runnable all = Retrieval.bm25Retriever(VILLAGE, "{\"k\": 3}");
             DeterministicEmbeddings embedder = DeterministicEmbeddings.create(64);
             Runnable filtered = Retrieval.embeddingsFilterRetriever(all, embedder, "{\"similarity_threshold\": 0.5}");
             Runnable copier = FakeChatModel.of("Dragons sleep");
             Runnable extracted = Retrieval.llmExtractorRetriever(bm25, copier, null)) {
            String found = multi.invoke("\"who makes weapons?\"");
            assertTrue(found.contains("\"id\":\"smith\"") && found.contains("\"id\":\"dragon\"") && !found.contains("baker"), found);
            String kept = filtered.invoke("\"dragons mountain cave\"");
            assertTrue(kept.startsWith("[{\"page_content\":\"Dragons sleep in") && !kept.contains("smith"), kept);
            assertTrue(extracted.invoke("\"dragons\"").startsWith("[{\"page_content\":\"Dragons sleep\",\"metadata\""));
            assertThrows(InvalidArgumentException.class, () -> Retrieval.llmExtractorRetriever(bm25, copier, "{\"prompt\": \"{question}\"}"));
        }
    }

    @Test
    void indexesWithCleanup(@TempDir Path dir) {
        String docs = "[{\"page_content\": \"iron\", \"metadata\": {\"source\": \"a\"}},"
                + "{\"page_content\": \"gold\", \"metadata\": {\"source\": \"b\"}}]";
        String records = dir.resolve("records.db").toString();
        String options = "{\"namespace\": \"kb\", \"cleanup\": \"full\"}";
        try (DeterministicEmbeddings embedder = DeterministicEmbeddings.create(32);
             VectorStore store = VectorStore.create("{\"type\": \"exact\"}", embedder)) {
            assertEquals("{\"num_added\":2,\"num_updated\":0,\"num_skipped\":0,\"num_deleted\":0}", store.index(docs, records, options));
            assertEquals("{\"num_added\":0,\"num_updated\":0,\"num_skipped\":2,\"num_deleted\":0}", store.index(docs, records, options));
            assertEquals("{\"num_added\":0,\"num_updated\":0,\"num_skipped\":1,\"num_deleted\":1}",
                         store.index("[{\"page_content\": \"iron\", \"metadata\": {\"source\": \"a\"}}]", records, options));
            assertEquals(1, store.size());
            InvalidArgumentException bad = assertThrows(InvalidArgumentException.class, () -> store.index(docs, records, "{}"));
            assertTrue(bad.getMessage().contains("\"namespace\" is required"), bad.getMessage());
        }
    }

    @Test
    void localEmbeddingsFindTheSameText() {
        try (Model model = Model.load(EngineTest.data("models/tiny-bert-f16.gguf"));
             LocalEmbeddings embedder = LocalEmbeddings.create(model, new LocalEmbeddingsOptions().backend(Backend.CPU).threads(2));
             VectorStore store = VectorStore.create("{\"type\": \"exact\"}", embedder)) {
            store.addDocuments(VILLAGE);
            String hits = store.search("Dragons sleep in the mountain cave", "{\"k\": 1}");
            assertTrue(hits.contains("\"id\":\"dragon\""), hits);
        }
    }

    @Test
    void indexesAFolder(@TempDir Path dir) throws Exception {
        Path docs = Files.createDirectory(dir.resolve("docs"));
        Files.write(docs.resolve("swords.txt"), "Oil the blade of a sword every week.".getBytes(StandardCharsets.UTF_8));
        Files.write(docs.resolve("bad.txt"), new byte[] {'o', 'k', (byte) 0xff});
        String records = dir.resolve("records.db").toString();
        String options = "{\"namespace\": \"docs\", \"split\": {\"chunk_size\": 100, \"chunk_overlap\": 0}}";
        try (DeterministicEmbeddings embedder = DeterministicEmbeddings.create(32);
             VectorStore store = VectorStore.create("{\"type\": \"exact\"}", embedder)) {
            String first = store.indexDirectory(docs.toString(), records, options);
            assertTrue(first.startsWith("{\"num_added\":1,\"num_updated\":0,\"num_skipped\":0,\"num_deleted\":0,\"files_loaded\":1,"), first);
            assertTrue(first.contains("bad.txt\",\"error\":\"parse\""), first);
            String again = store.indexDirectory(docs.toString(), records, options);
            assertTrue(again.startsWith("{\"num_added\":0,\"num_updated\":0,\"num_skipped\":1,"), again);
            InvalidArgumentException bad = assertThrows(InvalidArgumentException.class,
                () -> store.indexDirectory(dir.resolve("none").toString(), records, options));
            assertTrue(bad.getMessage().contains("does not exist"), bad.getMessage());
        }
    }

    @Test
    void parentDocumentRetrieverReturnsWholeParents(@TempDir Path dir) {
        String parents = "[{\"page_content\": \"The blacksmith forges swords near the old bridge. The baker bakes bread every morning.\","
                + " \"id\": \"village\"}, {\"page_content\": \"Dragons sleep in the mountain cave.\", \"id\": \"mountain\"}]";
        try (DeterministicEmbeddings embedder = DeterministicEmbeddings.create(64);
             VectorStore store = VectorStore.create("{\"type\": \"exact\"}", embedder);
             ParentDocumentRetriever retriever = ParentDocumentRetriever.create(store,
                 "{\"child_splitter\": {\"chunk_size\": 50, \"chunk_overlap\": 0}, \"search\": {\"k\": 1}}");
             Runnable runnable = retriever.asRetriever()) {
            assertEquals("[\"village\",\"mountain\"]", retriever.addDocuments(parents));
            assertEquals(3, store.size());
            String found = runnable.invoke("\"The baker bakes bread every morning.\"");
            assertEquals("[{\"page_content\":\"The blacksmith forges swords near the old bridge. The baker bakes bread every morning.\","
                         + "\"metadata\":{},\"id\":\"village\"}]", found);
            InvalidArgumentException bad = assertThrows(InvalidArgumentException.class,
                () -> ParentDocumentRetriever.create(store, "{}"));
            assertTrue(bad.getMessage().contains("\"child_splitter\" is required"), bad.getMessage());
        }
    }

    @Test
    void cachedEmbeddingsEmbedOnce(@TempDir Path dir) {
        String cache = dir.resolve("cache.db").toString();
        try (DeterministicEmbeddings model = DeterministicEmbeddings.create(32);
             CachedEmbeddings cached = CachedEmbeddings.create(model, cache, "deterministic-32");
             VectorStore store = VectorStore.create("{\"type\": \"exact\"}", cached)) {
            store.addDocuments("[\"swords\", \"shields\"]");
            assertEquals(0, cached.hits());
            assertEquals(2, cached.misses());
            store.addDocuments("[\"swords\", \"shields\"]");
            assertEquals(2, cached.hits());
            assertEquals(2, cached.misses());
            assertThrows(InvalidArgumentException.class, () -> CachedEmbeddings.create(model, cache, ""));
        }
    }

    @Test
    void ragHelpers() {
        String sources = "[{\"page_content\": \"Oil swords weekly.\", \"metadata\": {\"source\": \"manual.md\"}, \"id\": \"a\"},"
                + "{\"page_content\": \"Paint shields red.\", \"id\": \"b\"}]";
        assertEquals("[1] (manual.md) Oil swords weekly.\n\n[2] () Paint shields red.", Retrieval.formatDocuments(sources, null));
        String cited = Retrieval.parseCitations("Oil them [1]; see also [9].", sources);
        assertTrue(cited.startsWith("{\"numbers\":[1],\"documents\":[{\"page_content\":\"Oil swords weekly.\""), cited);
        assertTrue(cited.endsWith("\"unknown\":[9]}"), cited);
        assertEquals("[{\"index\":1,\"id\":\"a\",\"source\":\"manual.md\"},{\"index\":2,\"id\":\"b\",\"source\":null}]",
                     Retrieval.sourceList(sources));
        assertThrows(NotFoundException.class, () -> Retrieval.formatDocuments(sources, "{\"template\": \"{author}\"}"));
        try (Runnable bm25 = Retrieval.bm25Retriever(VILLAGE, "{\"k\": 1}");
             RetrieverTool tool = Retrieval.retrieverTool(bm25, "village_lore", "Finds facts about the village.", null)) {
            assertTrue(tool.schemaJson().contains("\"name\":\"village_lore\""), tool.schemaJson());
            assertEquals("\"[1] () Dragons sleep in the mountain cave\"", tool.runnable().invoke("{\"query\": \"dragons cave\"}"));
            assertThrows(ToolException.class, () -> tool.runnable().invoke("{\"q\": \"dragons\"}"));
            assertThrows(InvalidArgumentException.class, () -> Retrieval.retrieverTool(bm25, "bad name", "x", null));
        }
    }
}
