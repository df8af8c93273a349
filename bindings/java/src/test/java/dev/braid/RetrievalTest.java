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

/** Documents, splitters, vector stores, retrievers and indexing through the binding. */
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
}
