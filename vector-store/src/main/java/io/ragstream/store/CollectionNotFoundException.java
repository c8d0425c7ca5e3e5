package io.ragstream.store;

/** A collection (or alias) that does not exist in the store: nothing was indexed into it yet, or its name is wrong. */
public final class CollectionNotFoundException extends IllegalStateException {

    public CollectionNotFoundException(String message) {
        super(message);
    }
}
