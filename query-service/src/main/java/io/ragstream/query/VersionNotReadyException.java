package io.ragstream.query;

/**
 * A read-your-writes request whose version is not searchable: it failed (409), or it is not indexed within the wait
 * (503 with {@code Retry-After}: ask again).
 */
final class VersionNotReadyException extends RuntimeException {

    private final boolean failed;

    VersionNotReadyException(boolean failed, String message) {
        super(message);
        this.failed = failed;
    }

    boolean failed() {
        return failed;
    }
}
