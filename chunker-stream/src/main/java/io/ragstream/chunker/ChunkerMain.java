package io.ragstream.chunker;

import io.ragstream.config.ConfigBinder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the chunker: {@code ChunkerMain [config.properties]}, or the file named by {@code RAGSTREAM_CONFIG}. */
public final class ChunkerMain {

    private static final Logger log = LoggerFactory.getLogger(ChunkerMain.class);

    private ChunkerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Optional<Path> file = args.length > 0
                ? Optional.of(Path.of(args[0]))
                : Optional.ofNullable(System.getenv("RAGSTREAM_CONFIG")).map(Path::of);
        ConfigBinder binder = new ConfigBinder();
        var bound = binder.bind(ChunkerConfig.class, ChunkerConfig.defaults(), file, System.getenv());
        log.info("ragstream chunker configuration:\n{}", binder.describe(bound));
        CountDownLatch stopped = new CountDownLatch(1);
        ChunkerService service = ChunkerService.start(bound.config(), bound.kafka());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            stopped.countDown();
                        },
                        "chunker-shutdown"));
        stopped.await();
    }
}
