package io.ragstream.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.TextTooLongException;
import io.ragstream.model.DocumentStatus;
import io.ragstream.status.StatusView;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.SearchFilter;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.VectorStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What the API does, without HTTP: check a query against the limits, embed it, search, assemble context. */
final class QueryEngine {

    private final Embedder embedder;
    private final VectorStore store;
    private final String collection;
    private final ContextAssembler assembler;
    private final QueryConfig.Limits limits;
    private final Optional<StatusView> statuses;
    private final Optional<Reranker> reranker;
    private final int rerankCandidates;
    private final Timer embedTime;
    private final Timer searchTime;
    private final Timer waitTime;

    QueryEngine(
            Embedder embedder,
            VectorStore store,
            String collection,
            ContextAssembler assembler,
            QueryConfig.Limits limits,
            Optional<StatusView> statuses,
            Optional<Reranker> reranker,
            int rerankCandidates,
            MeterRegistry registry) {
        this.embedder = embedder;
        this.store = store;
        this.collection = collection;
        this.assembler = assembler;
        this.limits = limits;
        this.statuses = statuses;
        this.reranker = reranker;
        this.rerankCandidates = rerankCandidates;
        this.embedTime = Timer.builder("ragstream.query.embed").register(registry);
        this.searchTime = Timer.builder("ragstream.query.search").register(registry);
        this.waitTime = Timer.builder("ragstream.query.wait")
                .description("read-your-writes waits for a version to be indexed")
                .register(registry);
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
        if (query.waitFor() != null) {
            awaitVersion(tenant, query.waitFor());
        }
        float[] vector = embedTime.record(() -> embed(text));
        int candidates = reranker.isPresent() ? Math.max(topK, rerankCandidates) : topK;
        SearchRequest asked = mode == SearchRequest.Mode.HYBRID
                ? SearchRequest.hybrid(vector, text, candidates, filter)
                : SearchRequest.dense(vector, candidates, filter);
        // The status says the version is written; a store that serves reads from replicas (Milvus) must be asked to
        // wait until its replicas have it too, or the search can miss it or still show the old one.
        SearchRequest request = query.waitFor() != null ? asked.withReadYourWrites() : asked;
        List<SearchHit> hits = searchTime.record(() -> store.search(collection, request));
        if (query.minScore() != null) {
            double floor = query.minScore();
            hits = hits.stream().filter(hit -> hit.score() >= floor).toList();
        }
        if (reranker.isPresent()) {
            hits = rerank(reranker.get(), text, hits);
        }
        return hits.size() > topK ? hits.subList(0, topK) : hits;
    }

    private static List<SearchHit> rerank(Reranker reranker, String query, List<SearchHit> candidates) {
        List<SearchHit> ranked = reranker.rerank(query, List.copyOf(candidates));
        Set<String> offered =
                candidates.stream().map(hit -> hit.chunk().chunkId()).collect(Collectors.toSet());
        for (SearchHit hit : ranked) {
            if (!offered.contains(hit.chunk().chunkId())) {
                throw new IllegalStateException(
                        "reranker " + reranker.getClass().getName() + " returned chunk "
                                + hit.chunk().chunkId() + ", which was not among its candidates");
            }
        }
        return ranked;
    }

    private void awaitVersion(String tenant, QueryRequests.WaitFor waitFor) {
        if (waitFor.docId() == null || waitFor.docId().isBlank()) {
            throw BadRequestException.field("waitFor.docId", "waitFor.docId is missing; give the ingested docId");
        }
        if (waitFor.version() == null || waitFor.version().isBlank()) {
            throw BadRequestException.field(
                    "waitFor.version", "waitFor.version is missing; give the version the ingest API returned");
        }
        int timeoutMs = bounded("waitFor.timeoutMs", waitFor.timeoutMs(), limits.defaultWaitMs(), limits.maxWaitMs());
        StatusView view = statuses.orElseThrow(() -> BadRequestException.field(
                "waitFor",
                "this query service does not read the status topic, so it cannot wait for a version;"
                        + " configure kafka.bootstrap.servers"));
        StatusView.Wait wait;
        long start = System.nanoTime();
        try {
            wait = view.awaitVersion(tenant, waitFor.docId(), waitFor.version(), Duration.ofMillis(timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VersionNotReadyException(false, "interrupted while waiting for " + waitFor.docId());
        } finally {
            waitTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
        String latest = wait.latest()
                .map(status -> status.stage().name().toLowerCase(Locale.ROOT)
                        + status.version().map(v -> " (version " + v + ")").orElse(""))
                .orElse("no status yet");
        switch (wait.outcome()) {
            case INDEXED, SUPERSEDED -> {}
            case FAILED ->
                throw new VersionNotReadyException(
                        true,
                        "version %s of %s failed: %s"
                                .formatted(
                                        waitFor.version(),
                                        waitFor.docId(),
                                        wait.latest()
                                                .flatMap(DocumentStatus::reason)
                                                .orElse("no reason given")));
            case PENDING ->
                throw new VersionNotReadyException(
                        false,
                        "version %s of %s is not indexed after %d ms; its latest stage: %s"
                                .formatted(waitFor.version(), waitFor.docId(), timeoutMs, latest));
        }
    }

    /**
     * The status of a document, shown only to its own tenant: a status that names no tenant (a record too broken to say
     * whose it was) is shown to none, since it may come from another tenant's producer.
     */
    Optional<DocumentStatus> status(String tenant, String docId) {
        return statuses.flatMap(view -> view.latest(docId))
                .filter(status -> status.tenant().equals(Optional.of(tenant)));
    }

    /** The context for the query: its best chunks, fitted to the token budget, with numbered sources. */
    QueryRequests.ContextResponse context(String tenant, QueryRequests.Context query) {
        if (query.citationStyle() != null && !query.citationStyle().equals("numbered")) {
            throw BadRequestException.field(
                    "citationStyle", "citationStyle '" + query.citationStyle() + "' is unknown; use numbered");
        }
        List<SearchHit> hits = new ArrayList<>();
        AssembledContext context = assemble(tenant, query, query.maxTokens(), hits);
        return new QueryRequests.ContextResponse(
                context.text(),
                context.sources(),
                context.tokenCount(),
                hits.stream().map(QueryRequests.Hit::of).toList());
    }

    /** Searches and assembles the context within the budget; the hits it was made from are added to {@code hits}. */
    AssembledContext assemble(String tenant, QueryRequests.Query query, Integer maxTokens, List<SearchHit> hits) {
        int budget = bounded("maxTokens", maxTokens, limits.defaultContextTokens(), limits.maxContextTokens());
        hits.addAll(search(tenant, query));
        return assembler.assemble(hits, budget);
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
