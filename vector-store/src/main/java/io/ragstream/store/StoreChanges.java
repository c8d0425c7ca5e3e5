package io.ragstream.store;

import java.util.List;

/**
 * Documents a store writes together, in one call: each one becomes exactly its given chunks, unless the store already
 * holds a later sequence of it.
 */
public record StoreChanges(List<DocumentWrite> documents) {

    public StoreChanges {
        documents = List.copyOf(documents);
    }

    public boolean isEmpty() {
        return documents.isEmpty();
    }
}
