package io.ragstream.model;

import java.time.Instant;
import java.util.Objects;

/**
 * The document was deleted at its source: every chunk of it must leave the store, and no version of a lower sequence
 * may come back.
 *
 * @param sequence the deletion's place among the document's versions (see {@link ChunkedDocument#sequence()})
 */
public record DocumentDeletion(String docId, long sequence, Instant deletedAt) implements ChunkMessage {

    public DocumentDeletion {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(deletedAt, "deletedAt");
        ChunkMessage.requireSequence(docId, sequence);
    }
}
