package io.ragstream.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Every chunk of one version of one document. The embedder replaces the document's chunks in the store with these.
 *
 * @param version the {@code contentHash} of the raw document the chunks were cut from
 */
public record ChunkedDocument(
        String docId, String tenant, String version, DocumentInfo document, List<Chunk> chunks, Instant chunkedAt)
        implements ChunkMessage {

    public ChunkedDocument {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(chunkedAt, "chunkedAt");
        chunks = List.copyOf(chunks);
    }
}
