package io.ragstream.chunker;

import java.util.List;
import java.util.Optional;

/** A document reduced to its structure: title, canonical URI when it declares one, and blocks in reading order. */
public record ParsedDocument(Optional<String> title, Optional<String> canonicalUri, List<Block> blocks) {

    public ParsedDocument {
        title = title == null ? Optional.empty() : title;
        canonicalUri = canonicalUri == null ? Optional.empty() : canonicalUri;
        blocks = List.copyOf(blocks);
    }
}
