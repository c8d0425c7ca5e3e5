package io.ragstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ServiceLauncherTest {

    /** A service whose work can stop on its own, as the embedder's consumer loop can die. */
    private static final class Service implements AutoCloseable, Supervised {
        final CompletableFuture<String> stopped = new CompletableFuture<>();

        @Override
        public CompletableFuture<String> stoppedOnItsOwn() {
            return stopped;
        }

        @Override
        public void close() {}
    }

    @Test
    void aServiceThatStopsWorkingOnItsOwnEndsTheProcessWithStatusOne() {
        Service service = new Service();
        AtomicInteger status = new AtomicInteger(-1);
        ServiceLauncher.exitWhenItStops("embedder", service, status::set);
        assertThat(status).as("nothing happened yet").hasValue(-1);

        service.stopped.complete("the consumer loop failed: java.lang.IllegalStateException: a bug");

        await().atMost(Duration.ofSeconds(5)).until(() -> status.get() == 1);
    }
}
