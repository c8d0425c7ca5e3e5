package io.ragstream.chunker;

import java.util.List;
import java.util.Objects;

/**
 * One structural unit of a parsed document: a heading, or a paragraph-like run of text (paragraph, list item, cell,
 * code block).
 *
 * @param headingPath the headings above this block, outermost first; a heading's own path ends with itself
 */
public record Block(List<String> headingPath, String text, boolean heading) {

    public Block {
        headingPath = List.copyOf(headingPath);
        Objects.requireNonNull(text, "text");
    }
}
