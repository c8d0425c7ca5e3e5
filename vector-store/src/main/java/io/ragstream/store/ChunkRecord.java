package io.ragstream.store;

import io.ragstream.model.FieldLimits;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the store keeps about one chunk besides its vector: what a search hit returns and what filters match.
 *
 * @param version the content hash of the document version the chunk was cut from
 * @param sequence that version's place among the document's versions: a store never lets a lower sequence replace a
 *     higher one
 * @param ingestedAt when the chunk was written to the store
 *     <p>Held to {@link FieldLimits}, so every store keeps the same: the title and each heading are cut to their limit
 *     (the path to its depth); a URI, a tag or a text past its limit is refused.
 */
public record ChunkRecord(
        String chunkId,
        String docId,
        String tenant,
        String version,
        long sequence,
        String source,
        String uri,
        Optional<String> title,
        int ordinal,
        String text,
        List<String> headingPath,
        List<String> tags,
        Map<String, String> metadata,
        Instant ingestedAt) {

    public ChunkRecord {
        Objects.requireNonNull(chunkId, "chunkId");
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(ingestedAt, "ingestedAt");
        if (sequence < 0) {
            throw new IllegalArgumentException("chunk " + chunkId + " has sequence " + sequence + "; it must be ≥ 0");
        }
        title = title == null ? Optional.empty() : title.map(t -> FieldLimits.cut(t, FieldLimits.TITLE_BYTES));
        headingPath = FieldLimits.headingPath(headingPath);
        tags = tags == null ? List.of() : List.copyOf(tags);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        requireAtMost(chunkId, "uri", uri, FieldLimits.URI_BYTES);
        requireAtMost(chunkId, "text", text, FieldLimits.CHUNK_TEXT_BYTES);
        for (String tag : tags) {
            requireAtMost(chunkId, "tag", tag, FieldLimits.TAG_BYTES);
        }
    }

    private static void requireAtMost(String chunkId, String field, String value, int maxBytes) {
        int bytes = FieldLimits.utf8Length(value);
        if (bytes > maxBytes) {
            throw new IllegalArgumentException("chunk %s: its %s is %,d bytes in UTF-8, above the %,d a store keeps"
                    .formatted(chunkId, field, bytes, maxBytes));
        }
    }

    /** A chunk written outside the pipeline (a test, a benchmark, a hand-made corpus), at sequence 0. */
    public ChunkRecord(
            String chunkId,
            String docId,
            String tenant,
            String version,
            String source,
            String uri,
            Optional<String> title,
            int ordinal,
            String text,
            List<String> headingPath,
            List<String> tags,
            Map<String, String> metadata,
            Instant ingestedAt) {
        this(
                chunkId,
                docId,
                tenant,
                version,
                0,
                source,
                uri,
                title,
                ordinal,
                text,
                headingPath,
                tags,
                metadata,
                ingestedAt);
    }
}
