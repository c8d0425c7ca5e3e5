package io.ragstream.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.TextTooLongException;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.VectorStore;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What the API does, without HTTP: check a query against the limits, embed it, search, assemble context. */
final class QueryEngine {

    private final Embedder embedder;
    private final VectorStore store;
    private final String collection;
    private final ContextAssembler assembler;
    private final QueryConfig.Limits limits;
    private final Timer embedTime;
    private final Timer searchTime;

    QueryEngine(
            Embedder embedder,
            VectorStore store,
            String collection,
            ContextAssembler assembler,
            QueryConfig.Limits limits,
            MeterRegistry registry) {
        this.embedder = embedder;
        this.store = store;
        this.collection = collection;
        this.assembler = assembler;
        this.limits = limits;
        this.embedTime = Timer.builder("ragstream.query.embed").register(registry);
        this.searchTime = Timer.builder("ragstream.query.search").register(registry);
    }

    /** The best chunks of the tenant's documents for the query, best first. */
    List<SearchHit> search(String tenant, QueryRequests.Query query) {
        String text = requireQuery(query.query());
        int topK = bounded("topK", query.topK(), limits.defaultTopK(), limits.maxTopK());
        SearchRequest.Mode mode = mode(query.mode());
        if (mode == SearchRequest.Mode.HYBRID && query.minScore() != null) {
            throw BadRequestException.field(
                    "minScore",
                    "minScore applies to dense search only: hybrid scores are fused ranks, not similarities");
        }
        SearchFilter filter = filter(tenant, query.filter());
        float[] vector = embedTime.record(() -> embed(text));
        SearchRequest request = mode == SearchRequest.Mode.HYBRID
                ? SearchRequest.hybrid(vector, text, topK, filter)
                : SearchRequest.dense(vector, topK, filter);
        List<SearchHit> hits = searchTime.record(() -> store.search(collection, request));
        if (query.minScore() != null) {
            double floor = query.minScore();
            hits = hits.stream().filter(hit -> hit.score() >= floor).toList();
        }
        return hits;
    }

    /** The context for the query: its best chunks, fitted to the token budget, with numbered sources. */
    QueryRequests.ContextResponse context(String tenant, QueryRequests.Context query) {
        int maxTokens =
                bounded("maxTokens", query.maxTokens(), limits.defaultContextTokens(), limits.maxContextTokens());
        if (query.citationStyle() != null && !query.citationStyle().equals("numbered")) {
            throw BadRequestException.field(
                    "citationStyle", "citationStyle '" + query.citationStyle() + "' is unknown; use numbered");
        }
        List<SearchHit> hits = search(tenant, query);
        AssembledContext context = assembler.assemble(hits, maxTokens);
        return new QueryRequests.ContextResponse(
                context.text(),
                context.sources(),
                context.tokenCount(),
                hits.stream().map(QueryRequests.Hit::of).toList());
    }

    /** A document's stored chunks; empty when the tenant has no such document (another tenant's is not revealed). */
    Optional<List<ChunkRecord>> document(String tenant, String docId) {
        List<ChunkRecord> chunks = store.chunksOf(collection, docId).stream()
                .filter(chunk -> chunk.tenant().equals(tenant))
                .toList();
        return chunks.isEmpty() ? Optional.empty() : Optional.of(chunks);
    }

    private float[] embed(String text) {
        try {
            return embedder.embedQuery(text);
        } catch (TextTooLongException e) {
            throw BadRequestException.field(
                    "query", "query is more tokens than model " + embedder.modelId() + " reads; shorten it");
        }
    }

    /** Whether the store answers and holds the collection. */
    boolean ready() {
        return store.describe(collection).isPresent();
    }

    private String requireQuery(String query) {
        if (query == null || query.isBlank()) {
            throw BadRequestException.field("query", "query is missing or blank; send the question to search for");
        }
        if (query.length() > limits.maxQueryChars()) {
            throw BadRequestException.field(
                    "query",
                    "query is %d characters, above limits.max-query-chars=%d; shorten it"
                            .formatted(query.length(), limits.maxQueryChars()));
        }
        return query;
    }

    private SearchRequest.Mode mode(String mode) {
        if (mode == null) {
            return store.supportsHybrid() ? SearchRequest.Mode.HYBRID : SearchRequest.Mode.DENSE;
        }
        return switch (mode) {
            case "dense" -> SearchRequest.Mode.DENSE;
            case "hybrid" -> {
                if (!store.supportsHybrid()) {
                    throw BadRequestException.field("mode", "this store has no BM25 index; use mode dense");
                }
                yield SearchRequest.Mode.HYBRID;
            }
            default -> throw BadRequestException.field("mode", "mode '" + mode + "' is unknown; use dense or hybrid");
        };
    }

    private SearchFilter filter(String tenant, QueryRequests.Filter filter) {
        SearchFilter result = SearchFilter.tenant(tenant);
        if (filter == null) {
            return result;
        }
        result = result.withSources(values("filter.sources", filter.sources()))
                .withDocIds(values("filter.docIds", filter.docIds()))
                .withTags(values("filter.tags", filter.tags()));
        if (filter.uriPrefix() != null) {
            result = result.withUriPrefix(filter.uriPrefix());
        }
        if (filter.ingestedAfter() != null
                && filter.ingestedBefore() != null
                && !filter.ingestedAfter().isBefore(filter.ingestedBefore())) {
            throw BadRequestException.field(
                    "filter.ingestedAfter", "filter.ingestedAfter must be before filter.ingestedBefore");
        }
        return result.withIngestedBetween(
                Optional.ofNullable(filter.ingestedAfter()), Optional.ofNullable(filter.ingestedBefore()));
    }

    private Set<String> values(String field, List<String> values) {
        if (values == null) {
            return Set.of();
        }
        if (values.contains(null)) {
            throw BadRequestException.field(field, field + " holds a null; give strings only");
        }
        if (values.size() > limits.maxFilterValues()) {
            throw BadRequestException.field(
                    field,
                    "%s has %d values, above limits.max-filter-values=%d"
                            .formatted(field, values.size(), limits.maxFilterValues()));
        }
        return Set.copyOf(values);
    }

    private static int bounded(String field, Integer value, int defaultValue, int max) {
        int chosen = value == null ? defaultValue : value;
        if (chosen < 1 || chosen > max) {
            throw BadRequestException.field(
                    field, "%s is %d; it must be between 1 and %d".formatted(field, chosen, max));
        }
        return chosen;
    }
}
