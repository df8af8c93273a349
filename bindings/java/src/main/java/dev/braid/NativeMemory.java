package dev.braid;

/**
 * The native methods of the memory module (src/main/cpp/jni_memory.cpp), each wrapping one function of
 * braid/memory.h; a failed call throws the {@link BraidException} of its status.
 */
final class NativeMemory {
    static {
        NativeLibrary.load();
    }

    private NativeMemory() {}

    static native long historyMemory();

    static native long historyFile(String path);

    static native long historySqlite(String databasePath, String sessionId);

    static native String historyMessages(long history);

    static native void historyAddMessages(long history, String messagesJson);

    static native void historyClear(long history);

    static native void historyFree(long history);

    static native String trimMessages(String messagesJson, String optionsJson);

    static native String trimMessagesWithTokenizer(String messagesJson, String optionsJson, long tokenizer);

    static native String lastTurns(String messagesJson, int k, boolean keepSystem);

    static native long withMessageHistory(long runnable, String storeJson, String optionsJson);

    static native long summaryCreate(long model, long history, String storeJson, String optionsJson);

    static native String summaryUpdate(long memory);

    static native String summarySummary(long memory);

    static native long summaryCovered(long memory);

    static native void summaryFree(long memory);

    static native long bufferCreate(long model, long history, String storeJson, String optionsJson);

    static native String bufferPrune(long memory);

    static native String bufferMessages(long memory);

    static native String bufferSummary(long memory);

    static native void bufferFree(long memory);

    static native long entityCreate(long model, long history, String storeJson, String optionsJson);

    static native String entityRecall(long memory, String input);

    static native void entityRemember(long memory, String entitiesJson, String input);

    static native String entityFacts(long memory);

    static native void entityFree(long memory);
}
