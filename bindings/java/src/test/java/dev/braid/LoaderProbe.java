package dev.braid;

/** Prints how the native library was loaded, then proves it works (the loader ctests run it). */
public final class LoaderProbe {
    private LoaderProbe() {}

    /** @param args unused */
    public static void main(String[] args) {
        String source = NativeLibrary.source();
        try (Runnable echo = Runnable.passthrough()) {
            System.out.println("loaded from " + source + ", version " + Braid.version() + ", echo " + echo.invoke("[1]"));
        }
    }
}
