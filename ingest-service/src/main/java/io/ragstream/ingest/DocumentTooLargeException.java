package io.ragstream.ingest;

/** A document whose record would exceed the topic's {@code max.message.bytes}; it is refused before it is sent. */
public final class DocumentTooLargeException extends RuntimeException {

    private final long bytes;
    private final long limit;

    public DocumentTooLargeException(String what, long bytes, long limit) {
        super(
                "%s is %,d bytes as a record, above the limit of %,d bytes (topic max.message.bytes and producer max.request.size); raise both, or split the document"
                        .formatted(what, bytes, limit));
        this.bytes = bytes;
        this.limit = limit;
    }

    public long bytes() {
        return bytes;
    }

    public long limit() {
        return limit;
    }
}
