package io.ragstream.embedding;

/** The embedding endpoint is down or overloaded even after retries; trying again later may succeed. */
public final class EmbeddingUnavailableException extends RuntimeException {

    public EmbeddingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
