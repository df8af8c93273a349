package dev.braid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads the native part of the binding (libbraid_jni, which links libbraid), once, trying in turn:
 * <ol>
 *   <li>the system property {@code braid.library.path}: a directory holding libbraid_jni (or the file);</li>
 *   <li>{@code java.library.path} ({@code System.loadLibrary("braid_jni")});</li>
 *   <li>the copies bundled in the jar under {@code dev/braid/native/<os>-<arch>/}, extracted to a
 *       temporary directory.</li>
 * </ol>
 * Failing all three, the {@link UnsatisfiedLinkError} lists what each attempt said.
 */
public final class NativeLibrary {
    /** The system property naming a directory (or file) to load libbraid_jni from. */
    public static final String PATH_PROPERTY = "braid.library.path";

    private static String source;

    private NativeLibrary() {}

    /**
     * Loads the library if it is not loaded yet.
     *
     * @throws UnsatisfiedLinkError when no attempt succeeded
     */
    public static synchronized void load() {
        if (source != null) {
            return;
        }
        List<String> failures = new ArrayList<>();
        String property = System.getProperty(PATH_PROPERTY);
        if (property != null && !property.isEmpty()) {
            Path path = Paths.get(property);
            Path file = Files.isDirectory(path) ? path.resolve(System.mapLibraryName("braid_jni")) : path;
            try {
                System.load(file.toAbsolutePath().toString());
                source = PATH_PROPERTY;
                return;
            } catch (UnsatisfiedLinkError e) {
                failures.add(PATH_PROPERTY + "=" + property + ": " + e.getMessage());
            }
        }
        try {
            System.loadLibrary("braid_jni");
            source = "java.library.path";
            return;
        } catch (UnsatisfiedLinkError e) {
            failures.add("java.library.path: " + e.getMessage());
        }
        try {
            if (loadFromJar()) {
                source = "jar";
                return;
            }
            failures.add("jar: no native library for " + platform() + " in the jar");
        } catch (IOException | UnsatisfiedLinkError e) {
            failures.add("jar: " + e.getMessage());
        }
        throw new UnsatisfiedLinkError("braid: cannot load libbraid_jni (" + String.join("; ", failures) + ")");
    }

    /**
     * @return how the library was loaded: "braid.library.path", "java.library.path" or "jar"
     *         (loading it first if needed)
     */
    public static synchronized String source() {
        load();
        return source;
    }

    /** @return the resource folder of this platform, e.g. "linux-x86_64" */
    static String platform() {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch").toLowerCase();
        if (arch.equals("amd64")) {
            arch = "x86_64";
        }
        String name = os.contains("win") ? "windows" : os.contains("mac") ? "macos" : os.contains("linux") ? "linux" : os;
        return name + "-" + arch;
    }

    // The jar holds libbraid (under its soname) and libbraid_jni; libbraid is loaded first so that
    // libbraid_jni's dependency on it is already satisfied.
    private static boolean loadFromJar() throws IOException {
        String folder = "/dev/braid/native/" + platform() + "/";
        String jni = System.mapLibraryName("braid_jni");
        String[] files = {"libbraid.so.0", jni};
        if (NativeLibrary.class.getResource(folder + jni) == null) {
            return false;
        }
        Path dir = Files.createTempDirectory("braid-native");
        dir.toFile().deleteOnExit();
        for (String name : files) {
            try (InputStream in = NativeLibrary.class.getResourceAsStream(folder + name)) {
                if (in == null) {
                    continue;
                }
                Path target = dir.resolve(name);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().deleteOnExit();
            }
        }
        for (String name : files) {
            Path file = dir.resolve(name);
            if (Files.exists(file)) {
                System.load(file.toAbsolutePath().toString());
            }
        }
        return true;
    }
}
