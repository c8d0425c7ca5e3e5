package io.ragstream.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The document was deleted at its source: every chunk of it must leave the store, and no version of a lower sequence
 * may come back.
 *
 * @param sequence the deletion's place among the document's versions (see {@link ChunkedDocument#sequence()})
 * @param tenant the tenant whose document it was, so that the deletion's status is shown to that tenant alone; empty in
 *     deletions written before it was kept
 */
public record DocumentDeletion(String docId, long sequence, Instant deletedAt, Optional<String> tenant)
        implements ChunkMessage {

    public DocumentDeletion {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(deletedAt, "deletedAt");
        ChunkMessage.requireSequence(docId, sequence);
        tenant = tenant == null ? Optional.empty() : tenant;
    }
}
