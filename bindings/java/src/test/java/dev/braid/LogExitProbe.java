package dev.braid;

import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ends the VM while a Java log sink is set and two threads keep logging (the log exit ctests run it): the
 * process must end cleanly, not crash or hang in braid's exit-time destruction of the sink.
 */
public final class LogExitProbe {
    private LogExitProbe() {}

    /** @param args how to end ("return", "exit" or "halt"), then the test data folder */
    public static void main(String[] args) throws InterruptedException {
        AtomicInteger messages = new AtomicInteger();
        Braid.setLogSink((level, component, message) -> messages.incrementAndGet(), LogLevel.INFO);
        Model model = Model.load(Paths.get(args[1], "models/stories260K.gguf"));
        for (int t = 0; t < 2; ++t) {
            Thread logging = new Thread(() -> {
                for (;;) {
                    model.newContext(new ContextOptions().backend(Backend.CPU).nCtx(64)).close(); // one message each
                }
            });
            logging.setDaemon(true);
            logging.start();
        }
        while (messages.get() < 20) {
            Thread.sleep(10);
        }
        System.out.println("log exit probe: " + messages.get() + " messages, ending by " + args[0]);
        if (args[0].equals("exit")) {
            System.exit(0);
        } else if (args[0].equals("halt")) {
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }
}
