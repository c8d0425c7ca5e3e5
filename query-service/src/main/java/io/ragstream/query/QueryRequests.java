package io.ragstream.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.ragstream.model.DocumentStatus;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.SearchHit;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON bodies of the query API, as the OpenAPI document describes them. */
final class QueryRequests {

    private QueryRequests() {}

    /** What both /v1/search and /v1/context take. */
    interface Query {
        String query();

        Integer topK();

        Filter filter();

        String mode();

        Double minScore();

        WaitFor waitFor();
    }

    /**
     * Read-your-writes: search only once this version of this document is indexed (or replaced by a newer one).
     *
     * @param version the {@code contentHash} the ingest API returned
     * @param timeoutMs how long to wait at most; the default and the ceiling are set by the limits
     */
    record WaitFor(String docId, String version, Integer timeoutMs) {}

    /** Narrows a search; the tenant comes from the API key and cannot be set here. */
    record Filter(
            List<String> sources,
            List<String> docIds,
            List<String> tags,
            String uriPrefix,
            Instant ingestedAfter,
            Instant ingestedBefore) {}

    record Search(String query, Integer topK, Filter filter, String mode, Double minScore, WaitFor waitFor)
            implements Query {}

    record Context(
            String query,
            Integer topK,
            Filter filter,
            String mode,
            Double minScore,
            WaitFor waitFor,
            Integer maxTokens,
            String citationStyle)
            implements Query {}

    /** /v1/answer: the context inputs, and whether to stream the answer as server-sent events (the default). */
    record Answer(
            String query,
            Integer topK,
            Filter filter,
            String mode,
            Double minScore,
            WaitFor waitFor,
            Integer maxTokens,
            Boolean stream)
            implements Query {}

    /** The answer when it is not streamed, and the last event of a stream without the text. */
    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record AnswerResponse(
            Optional<String> answer,
            List<AssembledContext.Source> citations,
            List<AssembledContext.Source> sources,
            Optional<String> finishReason) {}

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record Hit(
            String chunkId,
            String docId,
            double score,
            String text,
            Optional<String> title,
            String uri,
            List<String> headingPath,
            int ordinal,
            String version,
            Instant ingestedAt,
            String source,
            List<String> tags,
            Map<String, String> metadata) {

        static Hit of(SearchHit hit) {
            ChunkRecord c = hit.chunk();
            return new Hit(
                    c.chunkId(),
                    c.docId(),
                    hit.score(),
                    c.text(),
                    c.title(),
                    c.uri(),
                    c.headingPath(),
                    c.ordinal(),
                    c.version(),
                    c.ingestedAt(),
                    c.source(),
                    c.tags(),
                    c.metadata());
        }
    }

    record SearchResponse(List<Hit> hits) {}

    record ContextResponse(String context, List<AssembledContext.Source> sources, int tokenCount, List<Hit> hits) {}

    @JsonInclude(JsonInclude.Include.NON_ABSENT)
    record DocumentResponse(String docId, Optional<DocumentStatus> status, int chunkCount, List<Hit> chunks) {}

    /** Every error answers with this body. */
    record ErrorResponse(Error error) {
        @JsonInclude(JsonInclude.Include.NON_ABSENT)
        record Error(String code, String message, Optional<String> field) {}

        static ErrorResponse of(String code, String message, Optional<String> field) {
            return new ErrorResponse(new Error(code, message, field));
        }
    }
}
