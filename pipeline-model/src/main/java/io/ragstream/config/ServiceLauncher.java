package io.ragstream.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every service's {@code main} does: bind the configuration (the file given as the first argument or by
 * {@code RAGSTREAM_CONFIG}, then the environment), log it once with secrets masked, start, and close cleanly on shutdown.
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
        stopped.await();
    }
}
