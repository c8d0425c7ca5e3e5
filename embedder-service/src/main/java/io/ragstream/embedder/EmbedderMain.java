package io.ragstream.embedder;

import io.ragstream.config.ConfigBinder;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the embedder: {@code EmbedderMain [config.properties]}, or the file named by {@code RAGSTREAM_CONFIG}. */
public final class EmbedderMain {

    private static final Logger log = LoggerFactory.getLogger(EmbedderMain.class);

    private EmbedderMain() {}

    public static void main(String[] args) throws InterruptedException {
        Optional<Path> file = args.length > 0
                ? Optional.of(Path.of(args[0]))
                : Optional.ofNullable(System.getenv("RAGSTREAM_CONFIG")).map(Path::of);
        ConfigBinder binder = new ConfigBinder();
        var bound = binder.bind(EmbedderConfig.class, EmbedderConfig.defaults(), file, System.getenv());
        log.info("ragstream embedder configuration:\n{}", binder.describe(bound));
        CountDownLatch stopped = new CountDownLatch(1);
        EmbedderService service = EmbedderService.start(bound.config(), bound.kafka());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            service.close();
                            stopped.countDown();
                        },
                        "embedder-shutdown"));
        stopped.await();
    }
}
