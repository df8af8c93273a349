package dev.braid;

/** The library as a whole: versions, and loading the native part explicitly. */
public final class Braid {
    /** The version of the library this binding was built for. */
    public static final String BINDING_VERSION = "0.1.0";

    private Braid() {}

    /** @return the native library's version, e.g. "0.1.0" */
    public static String version() {
        return Native.version();
    }

    /** @return major * 1000000 + minor * 1000 + patch of the native library */
    public static int versionNumber() {
        return Native.versionNumber();
    }

    /** Loads the native library now (it is loaded on first use otherwise); see {@link NativeLibrary}. */
    public static void load() {
        NativeLibrary.load();
    }
}
