package dev.braid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** prompt | model | parser through the binding: invoke, batch, composition, specs, graphs. */
class ChainTest {
    static final String QUESTION = "{\"role\": \"a pirate\", \"q\": \"What is the capital of France?\"}";

    static Runnable chain(String... answers) {
        try (ChatPromptTemplate prompt = ChatPromptTemplate.builder().system("You are {role}.").user("{q}").build();
             FakeChatModel model = FakeChatModel.of(answers);
             StrOutputParser parser = new StrOutputParser()) {
            return Runnable.sequence(prompt, model, parser); // the chain keeps its steps
        }
    }

    @Test
    void invokeAChain() {
        try (Runnable chain = chain("Arr, Paris it be.")) {
            assertEquals("\"Arr, Paris it be.\"", chain.invoke(QUESTION));
            assertEquals("\"Arr, Paris it be.\"", chain.invoke(QUESTION, new RunOptions().config("{\"tags\": [\"t\"]}")));
        }
    }

    @Test
    void pipeAndVersion() {
        assertEquals(Braid.BINDING_VERSION, Braid.version());
        assertEquals(1000, Braid.versionNumber()); // 0.1.0
        try (PromptTemplate prompt = PromptTemplate.of("Say {word}");
             FakeChatModel model = FakeChatModel.of("ok");
             Runnable head = prompt.pipe(model);
             StrOutputParser parser = new StrOutputParser();
             Runnable chain = head.pipe(parser)) {
            assertEquals("[\"word\"]", prompt.variables());
            assertEquals("\"ok\"", chain.invoke("{\"word\": \"hi\"}"));
            assertTrue(model.calls().contains("\"content\":\"Say hi\""), model.calls());
        }
    }

    @Test
    void batch() {
        try (Runnable chain = chain("Paris.")) {
            List<String> out = chain.batch(Arrays.asList(QUESTION, QUESTION, QUESTION), new RunOptions().maxConcurrency(2));
            assertEquals(Arrays.asList("\"Paris.\"", "\"Paris.\"", "\"Paris.\""), out);
            assertThrows(NotFoundException.class, () -> chain.batch(Arrays.asList(QUESTION, "{\"role\": \"x\"}")));
            List<BatchResult> results = chain.batchResults(Arrays.asList(QUESTION, "{oops", "{\"role\": \"x\"}"), null);
            assertTrue(results.get(0).ok());
            assertEquals("\"Paris.\"", results.get(0).output());
            assertEquals(Status.PARSE, results.get(1).status());
            assertEquals(Status.NOT_FOUND, results.get(2).status());
            assertThrows(NotFoundException.class, () -> results.get(2).output());
        }
    }

    @Test
    void composition() {
        try (Runnable pick = Runnable.pick("q");
             Runnable upper = Runnable.fromFunction("upper", s -> s.toUpperCase());
             Runnable same = Runnable.passthrough()) {
            Map<String, Runnable> branches = new LinkedHashMap<>();
            branches.put("loud", pick.pipe(upper));
            branches.put("same", same);
            try (Runnable parallel = Runnable.parallel(branches);
                 Runnable assign = Runnable.assign(Map.of("n", Runnable.pick("q")));
                 Runnable keys = Runnable.pickKeys("q")) {
                assertEquals("{\"loud\":\"HI\",\"same\":{\"q\":\"hi\"}}", parallel.invoke("{\"q\": \"hi\"}"));
                assertEquals("{\"q\":\"hi\",\"n\":\"hi\"}", assign.invoke("{\"q\": \"hi\"}"));
                assertEquals("{\"q\":1}", keys.invoke("{\"q\": 1, \"r\": 2}"));
            }
        }
        try (Runnable isText = Runnable.fromFunction("is_text", s -> s.startsWith("\"") ? "true" : "false");
             Runnable text = Runnable.fromFunction("text", s -> "\"text\"");
             Runnable other = Runnable.fromFunction("other", s -> "\"other\"");
             Runnable branch = Runnable.branch(List.of(isText), List.of(text), other);
             Runnable router = Runnable.router("topic", Map.of("a", text), other);
             Runnable strict = Runnable.router("topic", Map.of("a", text), null)) {
            assertEquals("\"text\"", branch.invoke("\"x\""));
            assertEquals("\"other\"", branch.invoke("5"));
            assertEquals("\"text\"", router.invoke("{\"topic\": \"a\"}"));
            assertEquals("\"other\"", router.invoke("{\"topic\": \"b\"}"));
            assertThrows(NotFoundException.class, () -> strict.invoke("{\"topic\": \"b\"}"));
        }
    }

    @Test
    void retryFallbacksConfigBind() {
        int[] calls = {0};
        try (Runnable flaky = Runnable.fromFunction("flaky", s -> {
                 if (++calls[0] < 3) {
                     throw new IllegalStateException("not yet");
                 }
                 return "\"done\"";
             });
             Runnable retried = flaky.withRetry(new RetryOptions().maxAttempts(3).backoff(0, 0, 1.0, false))) {
            assertEquals("\"done\"", retried.invoke("1"));
            assertEquals(3, calls[0]);
        }
        try (FakeChatModel failing = FakeChatModel.fromConfig("{\"responses\": [{\"error\": \"tool\", \"message\": \"x\"}]}");
             FakeChatModel backup = FakeChatModel.of("backup");
             Runnable safe = failing.withFallbacks(List.of(backup), Status.TOOL);
             Runnable unsafe = failing.withFallbacks(List.of(backup), Status.PARSE)) {
            assertTrue(safe.invoke("\"hi\"").contains("backup"));
            assertThrows(ToolException.class, () -> unsafe.invoke("\"hi\""));
        }
        try (FakeChatModel model = FakeChatModel.of("Hello there. General Kenobi.");
             Runnable bound = model.bind("{\"stop\": [\".\"]}");
             Runnable named = bound.withConfig("{\"run_name\": \"npc\"}")) {
            assertTrue(named.invoke("\"hi\"").contains("\"content\":\"Hello there\""));
            StringBuilder events = new StringBuilder();
            named.events("\"hi\"", null, e -> events.append(e).append('\n') != null);
            assertTrue(events.toString().contains("\"name\":\"npc\""), events.toString());
        }
    }

    @Test
    void specAndGraph() {
        try (Runnable exclaim = Runnable.fromFunction("exclaim", s -> s.substring(0, s.length() - 1) + "!\"");
             Runnable chain = Runnable.fromSpec("[{\"type\": \"chat_prompt\", \"messages\": [[\"user\", \"{q}\"]]},"
                                                + " {\"type\": \"fake_chat_model\", \"responses\": [\"Paris\"]},"
                                                + " {\"type\": \"str_parser\"}, {\"type\": \"ref\", \"name\": \"exclaim\"}]",
                                                Map.of("exclaim", exclaim))) {
            assertEquals("\"Paris!\"", chain.invoke("{\"q\": \"?\"}"));
            String mermaid = chain.graph(GraphFormat.MERMAID);
            assertTrue(mermaid.startsWith("graph TD"), mermaid);
            assertTrue(chain.graph(GraphFormat.ASCII).contains("exclaim"));
            assertTrue(chain.graph(GraphFormat.JSON).contains("\"stream_mode\":\"buffer\""));
            assertFalse(chain.name().isEmpty());
        }
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                                                  () -> Runnable.fromSpec("{\"type\": \"teleport\"}", Map.of()));
        assertTrue(e.getMessage().contains("unknown type 'teleport'"), e.getMessage());
    }

    @Test
    void parsersAndMessages() {
        try (JsonOutputParser json = new JsonOutputParser();
             ListOutputParser list = new ListOutputParser(ListStyle.NUMBERED);
             StructuredOutputParser structured = new StructuredOutputParser("{\"type\": \"object\", \"required\": [\"name\"]}");
             XmlOutputParser xml = new XmlOutputParser("[\"a\"]")) {
            assertEquals("{\"a\":1}", json.invoke(Json.quote("Here: {\"a\": 1}")));
            assertEquals("[\"red\",\"green\"]", list.invoke(Json.quote("1. red\n2. green")));
            ValidationException v = assertThrows(ValidationException.class, () -> structured.invoke(Json.quote("{}")));
            assertTrue(v.getMessage().contains("name"), v.getMessage());
            assertEquals("{\"a\":\"b\"}", xml.invoke(Json.quote("<a>b</a>")));
            assertTrue(json.formatInstructions().contains("JSON"));
            assertTrue(xml.formatInstructions().contains("a"));
        }
        assertEquals("{\"role\":\"user\",\"content\":\"hi\"}", Messages.normalize("{\"role\": \"human\", \"content\": \"hi\"}"));
        assertEquals("Human: hi\nAI: yo", Messages.toText("[{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"ai\", \"content\": \"yo\"}]"));
        assertEquals("P: hi", Messages.toText("[{\"role\": \"user\", \"content\": \"hi\"}]", "P", "N"));
        assertTrue(Messages.concatChunks("[{\"content\": \"a\"}, {\"content\": \"b\"}]").contains("\"content\":\"ab\""));
        assertThrows(ParseException.class, () -> Messages.normalize("{\"content\": 1}"));
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.quote("a\"b\\c\n\u0001"));
    }
}
