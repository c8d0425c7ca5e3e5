package io.ragstream.store;

/** The store did not answer or refused for a reason retrying may fix (down, overloaded, timed out). */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
