package io.ragstream.model;

import java.time.Instant;
import java.util.Objects;

/** The document was deleted at its source: every chunk of it must leave the store. */
public record DocumentDeletion(String docId, Instant deletedAt) implements ChunkMessage {

    public DocumentDeletion {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(deletedAt, "deletedAt");
    }
}
