package io.ragstream.store;

import static io.ragstream.store.ChunkFields.DOC_ID;
import static io.ragstream.store.ChunkFields.INGESTED_AT;
import static io.ragstream.store.ChunkFields.SOURCE;
import static io.ragstream.store.ChunkFields.TAGS;
import static io.ragstream.store.ChunkFields.TENANT;
import static io.ragstream.store.ChunkFields.URI;
import static io.ragstream.store.ChunkFields.VERSION;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Milvus boolean expressions for the store's filters. Every value is written as an escaped string literal, so a tenant
 * or document id is matched literally and can never change the expression around it.
 */
final class MilvusFilters {

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
        return String.join(" and ", parts);
    }

    static String documentIs(String docId) {
        return DOC_ID + " == " + quote(docId);
    }

    static String otherVersionsOf(String docId, String keepVersion) {
        return documentIs(docId) + " and " + VERSION + " != " + quote(keepVersion);
    }

    /**
     * One expression for every chunk a batch removes: other versions of the kept documents, all of the deleted ones;
     * empty when the batch removes nothing.
     */
    static Optional<String> removals(Map<String, String> keepOnlyVersion, Set<String> deleteDocuments) {
        List<String> parts = new ArrayList<>();
        keepOnlyVersion.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(keep -> parts.add("(" + otherVersionsOf(keep.getKey(), keep.getValue()) + ")"));
        if (!deleteDocuments.isEmpty()) {
            parts.add(DOC_ID + " in ["
                    + deleteDocuments.stream()
                            .sorted()
                            .map(MilvusFilters::quote)
                            .collect(Collectors.joining(", "))
                    + "]");
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join(" or ", parts));
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
