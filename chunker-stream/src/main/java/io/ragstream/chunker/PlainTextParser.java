package io.ragstream.chunker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Plain text: paragraphs are separated by blank lines; there are no headings. Bytes must be valid in their charset. */
public final class PlainTextParser implements DocumentParser {

    @Override
    public ParsedDocument parse(byte[] content, String contentType, String uri) {
        String text =
                ContentTypes.decode(content, ContentTypes.charset(contentType).orElse(StandardCharsets.UTF_8), uri);
        List<Block> blocks = new ArrayList<>();
        for (String paragraph : text.split("\\R\\s*\\R")) {
            String normalized = TextNormalizer.normalize(paragraph);
            if (!normalized.isEmpty()) {
                blocks.add(new Block(List.of(), normalized, false));
            }
        }
        return new ParsedDocument(Optional.empty(), Optional.empty(), blocks);
    }
}
