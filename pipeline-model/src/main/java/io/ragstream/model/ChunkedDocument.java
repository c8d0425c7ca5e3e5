package io.ragstream.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every chunk of one version of one document. The embedder replaces the document's chunks in the store with these,
 * unless the store already holds a later sequence of the document.
 *
 * @param version the {@code contentHash} of the raw document the chunks were cut from
 * @param sequence the version's place among the document's versions, given by the chunker: it only grows per document
 *     (see {@link Topics#DOCS_RAW}), so a late, replayed or zombie write of an older version can be told from a newer one
 * @param failure why this version could not be read, when it could not: it then has no chunks, its older versions must
 *     still leave the store, and its status stays failed
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record ChunkedDocument(
        String docId,
        String tenant,
        String version,
        long sequence,
        DocumentInfo document,
        List<Chunk> chunks,
        Instant chunkedAt,
        Optional<String> failure)
        implements ChunkMessage {

    /** A version that was read and chunked. */
    public ChunkedDocument(
            String docId,
            String tenant,
            String version,
            long sequence,
            DocumentInfo document,
            List<Chunk> chunks,
            Instant chunkedAt) {
        this(docId, tenant, version, sequence, document, chunks, chunkedAt, Optional.empty());
    }

    public ChunkedDocument {
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(chunkedAt, "chunkedAt");
        ChunkMessage.requireSequence(docId, sequence);
        chunks = List.copyOf(chunks);
        failure = failure == null ? Optional.empty() : failure;
        if (failure.isPresent() && !chunks.isEmpty()) {
            throw new IllegalArgumentException(
                    "version " + version + " of " + docId + " failed; it cannot have chunks");
        }
    }
}
