package io.ragstream.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code main} does: bind the configuration (the file given as the first argument or by
 * {@code RAGSTREAM_CONFIG}, then the environment), log it once with secrets masked, start, close cleanly on shutdown, and
 * end the process with status 1 when a {@link Supervised} service stops working on its own.
 */
public final class ServiceLauncher {

    private static final Logger log = LoggerFactory.getLogger(ServiceLauncher.class);

    private ServiceLauncher() {}

    /** Runs the service until the JVM is asked to stop. */
    public static <T extends Record> void run(
            String name,
            String[] args,
            Class<T> type,
            T defaults,
            BiFunction<T, Map<String, String>, ? extends AutoCloseable> start)
            throws InterruptedException {
        Optional<Path> file = args.length > 0
                ? Optional.of(Path.of(args[0]))
                : Optional.ofNullable(System.getenv("RAGSTREAM_CONFIG")).map(Path::of);
        ConfigBinder binder = new ConfigBinder();
        ConfigBinder.Bound<T> bound = binder.bind(type, defaults, file, System.getenv());
        log.info("ragstream {} configuration:\n{}", name, binder.describe(bound));
        AutoCloseable service = start.apply(bound.config(), bound.kafka());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                service.close();
                            } catch (Exception e) {
                                log.warn("{} did not close cleanly: {}", name, e.toString());
                            }
                            stopped.countDown();
                        },
                        name + "-shutdown"));
        exitWhenItStops(name, service, System::exit);
        stopped.await();
    }

    /**
     * When a {@link Supervised} service stops working on its own, says why and calls {@code exit} with status 1 (on a
     * thread of its own: exiting runs the shutdown hook, which closes the service and waits for its threads).
     */
    static void exitWhenItStops(String name, AutoCloseable service, IntConsumer exit) {
        if (service instanceof Supervised supervised) {
            supervised
                    .stoppedOnItsOwn()
                    .thenAcceptAsync(
                            reason -> {
                                log.error(
                                        "ragstream {} stopped working: {}; exiting with status 1 so that it is"
                                                + " restarted",
                                        name,
                                        reason);
                                exit.accept(1);
                            },
                            task -> Thread.ofPlatform().name(name + "-exit").start(task));
        }
    }
}
