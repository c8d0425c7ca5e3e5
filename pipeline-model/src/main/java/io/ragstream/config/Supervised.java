package io.ragstream.config;

import java.util.concurrent.CompletableFuture;

/**
 * A service that can stop working on its own, on an error it does not recover from (its consumer loop died, every stream
 * thread failed). Whoever runs it ends with it, so that the orchestrator, or the person who ran it, restarts it; a
 * service that looks alive and does nothing is the worst outcome.
 */
public interface Supervised {

    /** Completes, with what stopped it, when the service stopped working on its own; never because it was closed. */
    CompletableFuture<String> stoppedOnItsOwn();
}
