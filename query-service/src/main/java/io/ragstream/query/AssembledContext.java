package io.ragstream.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * Context ready to paste into a prompt: passages marked {@code [n]}, the numbered sources the markers cite, and the
 * context's size in tokens.
 */
public record AssembledContext(String text, List<Source> sources, int tokenCount) {

    public AssembledContext {
        sources = List.copyOf(sources);
    }

    /**
     * One cited document.
     *
     * @param number the number its passages are marked with, from 1
     * @param chunkIds the chunks of it the context quotes, in document order
     */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    public record Source(int number, String docId, Optional<String> title, String uri, List<String> chunkIds) {

        public Source {
            chunkIds = List.copyOf(chunkIds);
        }
    }
}
