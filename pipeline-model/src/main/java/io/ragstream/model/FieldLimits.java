package io.ragstream.model;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The size model every stage holds a document to, so that what one store keeps the other keeps too. Lengths are UTF-8
 * bytes, as Milvus counts its VARCHAR limits (a Korean character takes three). What names or filters a document (its
 * URI, its tags) is refused at the door when it is longer; what only describes it (a title, a heading) is cut at a
 * character boundary, the same way on every store.
 */
public final class FieldLimits {

    /** A document's URI, its citation: refused when longer. */
    public static final int URI_BYTES = 8192;
    /** A document's title: cut when longer. */
    public static final int TITLE_BYTES = 2048;
    /** One heading of a chunk's heading path: cut when longer. */
    public static final int HEADING_BYTES = 1024;
    /** Headings in a chunk's path: the innermost beyond it are left out. */
    public static final int HEADING_DEPTH = 64;
    /** One tag, a filter value: refused when longer. */
    public static final int TAG_BYTES = 256;
    /** A chunk's text; the chunker's {@code chunker.max-chunk-chars} keeps chunks well within it. */
    public static final int CHUNK_TEXT_BYTES = 65_535;
    /** Chunks of one version of one document: a store reads a document back whole, at most this many rows. */
    public static final int CHUNKS_PER_DOCUMENT = 16_384;

    private FieldLimits() {}

    /** A heading path held to the model: at most {@link #HEADING_DEPTH} headings, each cut to {@link #HEADING_BYTES}. */
    public static List<String> headingPath(List<String> headings) {
        return headings == null
                ? List.of()
                : headings.stream()
                        .limit(HEADING_DEPTH)
                        .map(heading -> cut(heading, HEADING_BYTES))
                        .toList();
    }

    public static int utf8Length(String value) {
        int bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The longest start of {@code value} that is at most {@code maxBytes} in UTF-8, never splitting a character. */
    public static String cut(String value, int maxBytes) {
        if (value.length() * 3L <= maxBytes || utf8Length(value) <= maxBytes) {
            return value;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int end = maxBytes;
        // Step back over continuation bytes (10xxxxxx) to the start of the character the limit falls in.
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
