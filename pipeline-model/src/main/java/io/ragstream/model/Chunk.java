package io.ragstream.model;

import java.util.List;
import java.util.Objects;

/**
 * One piece of a document, sized to fit the embedding model.
 *
 * @param startOffset first character of the chunk in the document's normalised text
 * @param endOffset one past the last character of the chunk in the normalised text
 * @param headingPath the headings above the chunk, outermost first
 */
public record Chunk(
        String chunkId,
        int ordinal,
        String text,
        int tokenCount,
        int startOffset,
        int endOffset,
        List<String> headingPath) {

    public Chunk {
        Objects.requireNonNull(chunkId, "chunkId");
        Objects.requireNonNull(text, "text");
        if (ordinal < 0 || tokenCount < 0 || startOffset < 0 || endOffset < startOffset) {
            throw new IllegalArgumentException(
                    "chunk %s has ordinal=%d tokenCount=%d offsets=[%d,%d): none may be negative and end must not precede start"
                            .formatted(chunkId, ordinal, tokenCount, startOffset, endOffset));
        }
        // Held to the size model here already, so a chunks record of many chunks under long headings stays small.
        headingPath = FieldLimits.headingPath(headingPath);
    }
}
