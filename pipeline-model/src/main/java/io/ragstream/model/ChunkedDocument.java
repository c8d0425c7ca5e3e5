package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every chunk of one version of one document. The embedder replaces the document's chunks in the store with these.
 *
 * @param version the {@code contentHash} of the raw document the chunks were cut from
 * @param failure why this version could not be read, when it could not: it then has no chunks, its older versions must
 *     still leave the store, and its status stays failed
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ChunkedDocument(
        String docId,
        String tenant,
        String version,
        DocumentInfo document,
        List<Chunk> chunks,
        Instant chunkedAt,
        Optional<String> failure)
        implements ChunkMessage {

    /** A version that was read and chunked. */
    public ChunkedDocument(
            String docId, String tenant, String version, DocumentInfo document, List<Chunk> chunks, Instant chunkedAt) {
        this(docId, tenant, version, document, chunks, chunkedAt, Optional.empty());
    }

    public ChunkedDocument {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(chunkedAt, "chunkedAt");
        chunks = List.copyOf(chunks);
        failure = failure == null ? Optional.empty() : failure;
        if (failure.isPresent() && !chunks.isEmpty()) {
            throw new IllegalArgumentException(
                    "version " + version + " of " + docId + " failed; it cannot have chunks");
        }
    }
}
