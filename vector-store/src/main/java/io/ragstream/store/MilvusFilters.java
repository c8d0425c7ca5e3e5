package io.ragstream.store;

import static io.ragstream.store.ChunkFields.CHUNK_ID;
import static io.ragstream.store.ChunkFields.DOC_ID;
import static io.ragstream.store.ChunkFields.INGESTED_AT;
import static io.ragstream.store.ChunkFields.ORDINAL;
import static io.ragstream.store.ChunkFields.SOURCE;
import static io.ragstream.store.ChunkFields.TAGS;
import static io.ragstream.store.ChunkFields.TENANT;
import static io.ragstream.store.ChunkFields.URI;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Milvus boolean expressions for the store's filters. Every value is written as an escaped string literal, so a tenant
 * or document id is matched literally and can never change the expression around it.
 */
final class MilvusFilters {

    /** Leaves out the fence rows that removals leave (see {@link LatestVersions}). */
    static final String CHUNKS_ONLY = ORDINAL + " >= 0";

    private MilvusFilters() {}

    static String of(SearchFilter filter) {
        List<String> parts = new ArrayList<>();
        parts.add(TENANT + " == " + quote(filter.tenant()));
        if (!filter.sources().isEmpty()) {
            parts.add(SOURCE + " in " + list(filter.sources()));
        }
        if (!filter.docIds().isEmpty()) {
            parts.add(DOC_ID + " in " + list(filter.docIds()));
        }
        if (!filter.tags().isEmpty()) {
            parts.add("array_contains_any(" + TAGS + ", " + list(filter.tags()) + ")");
        }
        filter.uriPrefix().filter(prefix -> !prefix.isEmpty()).ifPresent(prefix -> parts.add(startsWith(URI, prefix)));
        filter.ingestedAfter().ifPresent(after -> parts.add(INGESTED_AT + " >= " + after.toEpochMilli()));
        filter.ingestedBefore().ifPresent(before -> parts.add(INGESTED_AT + " < " + before.toEpochMilli()));
        parts.add(CHUNKS_ONLY);
        return String.join(" and ", parts);
    }

    /** Every row of the documents, fence rows included: what a write reads to decide what it leaves behind. */
    static String documentsAre(List<String> docIds) {
        return DOC_ID + " in " + docIds.stream().map(MilvusFilters::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The rows of these primary keys. */
    static String keysAre(List<String> chunkIds) {
        return CHUNK_ID + " in "
                + chunkIds.stream().map(MilvusFilters::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    /** The chunks of one document, without its fence rows. */
    static String chunksOf(String docId) {
        return DOC_ID + " == " + quote(docId) + " and " + CHUNKS_ONLY;
    }

    /** A double-quoted Milvus string literal that stands for exactly {@code value}. */
    static String quote(String value) {
        StringBuilder literal = new StringBuilder(value.length() + 2).append('"');
        value.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> literal.append("\\\"");
                case '\\' -> literal.append("\\\\");
                case '\n' -> literal.append("\\n");
                case '\r' -> literal.append("\\r");
                case '\t' -> literal.append("\\t");
                default -> literal.appendCodePoint(c);
            }
        });
        return literal.append('"').toString();
    }

    /**
     * A prefix condition as a range of strings. {@code like "prefix%"} would read {@code %} and {@code _} in the prefix as
     * wildcards, and Milvus Lite has no escape for them; URIs are full of both.
     */
    static String startsWith(String field, String prefix) {
        String lower = field + " >= " + quote(prefix);
        return prefixUpperBound(prefix)
                .map(upper -> "(" + lower + " and " + field + " < " + quote(upper) + ")")
                .orElse(lower);
    }

    /**
     * The least string greater than every string that starts with {@code prefix}, in code point order (which is the
     * byte order of UTF-8, the order Milvus compares in); empty when no such string exists.
     */
    static Optional<String> prefixUpperBound(String prefix) {
        int[] codePoints = prefix.codePoints().toArray();
        int length = codePoints.length;
        while (length > 0 && codePoints[length - 1] == Character.MAX_CODE_POINT) {
            length--;
        }
        if (length == 0) {
            return Optional.empty();
        }
        int next = codePoints[length - 1] + 1;
        if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
            next = Character.MAX_SURROGATE + 1;
        }
        codePoints[length - 1] = next;
        return Optional.of(new String(codePoints, 0, length));
    }

    private static String list(Set<String> values) {
        // Sorted, so the same filter always gives the same expression.
        return values.stream().sorted().map(MilvusFilters::quote).collect(Collectors.joining(", ", "[", "]"));
    }
}
