package dev.braid;

import java.util.ArrayList;
import java.util.List;

/**
 * A scripted chat model for tests, samples and benchmarks: it answers with the given responses in
 * turn, whatever the prompt. A step from a prompt (text, message or messages) to an assistant message;
 * streamed, it yields message chunks.
 */
public final class FakeChatModel extends Runnable {
    private FakeChatModel(long pointer) {
        super(pointer);
    }

    /**
     * @param responses the answers, used in turn
     * @return the model step (answers streamed word by word)
     */
    public static FakeChatModel of(String... responses) {
        List<String> quoted = new ArrayList<>();
        for (String r : responses) {
            quoted.add(Json.quote(r));
        }
        return fromConfig("[" + String.join(",", quoted) + "]");
    }

    /**
     * @param configJson as braid_fake_chat_model() takes it: {"responses": [...], "chunking": ..., ...}
     * @return the model step
     */
    public static FakeChatModel fromConfig(String configJson) {
        return new FakeChatModel(Native.fakeChatModel(configJson));
    }

    /** @return {"call_count": n, "received": [[messages]...], "options": [...]} */
    public String calls() {
        return use(Native::fakeChatModelCalls);
    }

    /** Forgets the records and restarts the script. */
    public void reset() {
        use(p -> {
            Native.fakeChatModelReset(p);
            return null;
        });
    }
}
