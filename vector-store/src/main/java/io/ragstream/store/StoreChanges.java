package io.ragstream.store;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Changes a store applies together: chunks to write, documents to cut down to one version, documents to remove. Applied
 * in that order, so a document's new chunks are written before its old ones go.
 *
 * @param keepOnlyVersion docId → the one version of it to keep; its chunks of every other version are removed
 * @param deleteDocuments documents whose chunks are all removed
 */
public record StoreChanges(
        List<EmbeddedChunk> upserts, Map<String, String> keepOnlyVersion, Set<String> deleteDocuments) {

    public StoreChanges {
        upserts = List.copyOf(upserts);
        keepOnlyVersion = Map.copyOf(keepOnlyVersion);
        deleteDocuments = Set.copyOf(deleteDocuments);
    }

    public boolean isEmpty() {
        return upserts.isEmpty() && keepOnlyVersion.isEmpty() && deleteDocuments.isEmpty();
    }
}
