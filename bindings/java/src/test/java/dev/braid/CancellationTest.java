package dev.braid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What stops a call before its end: cancel tokens and deadlines of generations and embeddings, listeners
 * that ask to stop, and listeners that throw (their exception reaches the caller as it is).
 */
class CancellationTest {
    @Test
    void aTokenCancelledFromTheListenerStopsTheGeneration() {
        List<String> pieces = new ArrayList<>();
        try (Model model = Model.load(ContextTest.stories()); Context ctx = ContextTest.cpu(model);
             CancelToken token = new CancelToken()) {
            GenerateOptions o = ContextTest.greedy(40).cancel(token);
            assertThrows(CancelledException.class, () -> ctx.generate("Once upon a time", o, piece -> {
                pieces.add(piece);
                if (pieces.size() == 2) {
                    token.cancel();
                }
                return true;
            }));
            assertEquals(2, pieces.size(), pieces.toString()); // no token after the cancel
            assertThrows(CancelledException.class, () -> ctx.generate("Once upon a time", o)); // cancelled stays cancelled
            assertEquals(ContextTest.STORY, ctx.generate("Once upon a time", ContextTest.greedy(12)).text()); // still usable
        }
    }

    @Test
    void aSlowListenerRunsIntoTheDeadline() {
        List<String> pieces = new ArrayList<>();
        try (Model model = Model.load(ContextTest.stories()); Context ctx = ContextTest.cpu(model)) {
            GenerateOptions o = ContextTest.greedy(200).ignoreEos(true).timeoutMillis(100);
            assertThrows(BraidTimeoutException.class, () -> ctx.generate("Once upon a time", o, piece -> {
                pieces.add(piece);
                Thread.sleep(20);
                return true;
            }));
            assertTrue(pieces.size() < 50, pieces.toString()); // 200 pieces would take 4 s
            GenerateResult r = ctx.generate("Once upon a time", ContextTest.greedy(12).timeoutMillis(60_000));
            assertEquals(ContextTest.STORY, r.text()); // a deadline not reached changes nothing
            assertThrows(InvalidArgumentException.class, () -> ctx.generate("Once", ContextTest.greedy(4).timeoutMillis(-1)));
        }
    }

    @Test
    void aCancelledTokenStopsTheEmbedding() {
        try (Model model = Model.load(ContextTest.bert()); Context ctx = ContextTest.cpu(model);
             CancelToken token = new CancelToken()) {
            float[] unit = ctx.embed("Hello world");
            assertArrayEquals(unit, ctx.embed("Hello world", new EmbedOptions().cancel(token).timeoutMillis(60_000)));
            assertArrayEquals(ctx.embed("Hello world", false), ctx.embed("Hello world", new EmbedOptions().normalize(false)));
            token.cancel();
            assertThrows(CancelledException.class, () -> ctx.embed("Hello world", new EmbedOptions().cancel(token)));
            assertArrayEquals(unit, ctx.embed("Hello world", (EmbedOptions) null)); // still usable
            assertThrows(InvalidArgumentException.class, () -> ctx.embed("Hello", new EmbedOptions().timeoutMillis(-1)));
            CancelToken closed = new CancelToken();
            closed.close();
            assertThrows(IllegalStateException.class, () -> ctx.embed("Hello", new EmbedOptions().cancel(closed)));
        }
    }

    @Test
    void whatTheTextListenerThrowsIsRethrownAsItIs() {
        try (Model model = Model.load(ContextTest.stories()); Context ctx = ContextTest.cpu(model)) {
            RuntimeException boom = new UnsupportedOperationException("listener failed");
            assertSame(boom, assertThrows(UnsupportedOperationException.class,
                                          () -> ctx.generate("Once", ContextTest.greedy(8), piece -> {
                                              throw boom;
                                          })));
            // A braid exception of the listener's own is not replaced by one made from the call's status.
            BraidException own = new NotFoundException(Status.NOT_FOUND, "the listener's own");
            assertSame(own, assertThrows(NotFoundException.class, () -> ctx.generate("Once", ContextTest.greedy(8), piece -> {
                throw own;
            })));
            assertThrows(CancelledException.class, () -> ctx.generate("Once", ContextTest.greedy(8), piece -> false));
        }
    }

    @Test
    void whatChunkAndProgressListenersThrowIsRethrownAsItIs() {
        RuntimeException boom = new ArithmeticException("listener failed");
        try (Runnable chain = StreamTest.wordsChain("a b c", 0)) {
            assertSame(boom, assertThrows(ArithmeticException.class, () -> chain.stream("{\"q\": \"?\"}", c -> {
                throw boom;
            })));
            assertSame(boom, assertThrows(ArithmeticException.class, () -> chain.events("{\"q\": \"?\"}", null, e -> {
                throw boom;
            })));
            CancelledException own = new CancelledException(Status.CANCELLED, "the listener's own");
            assertSame(own, assertThrows(CancelledException.class, () -> chain.stream("{\"q\": \"?\"}", c -> {
                throw own;
            })));
            List<String> chunks = new ArrayList<>();
            chain.stream("{\"q\": \"?\"}", c -> {
                chunks.add(c);
                return false; // stops quietly
            });
            assertEquals(1, chunks.size());
        }
        assertSame(boom, assertThrows(ArithmeticException.class, () -> Model.load(ContextTest.stories(), p -> {
            throw boom;
        })));
    }
}
