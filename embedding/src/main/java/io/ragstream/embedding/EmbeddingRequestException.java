package io.ragstream.embedding;

/** The embedding endpoint refused the request itself (a 4xx other than 429): retrying the same request cannot help. */
public final class EmbeddingRequestException extends IllegalArgumentException {

    private final int status;

    public EmbeddingRequestException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the endpoint answered with. */
    public int status() {
        return status;
    }
}
