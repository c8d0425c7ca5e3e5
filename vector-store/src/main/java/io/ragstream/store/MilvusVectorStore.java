package io.ragstream.store;

import static io.ragstream.store.ChunkFields.CHUNK_ID;
import static io.ragstream.store.ChunkFields.DOC_ID;
import static io.ragstream.store.ChunkFields.EMBEDDING;
import static io.ragstream.store.ChunkFields.HEADING_PATH;
import static io.ragstream.store.ChunkFields.INGESTED_AT;
import static io.ragstream.store.ChunkFields.METADATA;
import static io.ragstream.store.ChunkFields.MODEL_ID;
import static io.ragstream.store.ChunkFields.ORDINAL;
import static io.ragstream.store.ChunkFields.SEQUENCE;
import static io.ragstream.store.ChunkFields.SOURCE;
import static io.ragstream.store.ChunkFields.TAGS;
import static io.ragstream.store.ChunkFields.TENANT;
import static io.ragstream.store.ChunkFields.TEXT;
import static io.ragstream.store.ChunkFields.TITLE;
import static io.ragstream.store.ChunkFields.URI;
import static io.ragstream.store.ChunkFields.VERSION;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.milvus.common.clientenum.FunctionType;
import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.client.RetryConfig;
import io.milvus.v2.common.ConsistencyLevel;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.request.DescribeCollectionReq;
import io.milvus.v2.service.collection.request.DropCollectionReq;
import io.milvus.v2.service.collection.request.GetLoadStateReq;
import io.milvus.v2.service.collection.request.HasCollectionReq;
import io.milvus.v2.service.collection.request.LoadCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.utility.request.AlterAliasReq;
import io.milvus.v2.service.utility.request.CreateAliasReq;
import io.milvus.v2.service.utility.request.DescribeAliasReq;
import io.milvus.v2.service.utility.request.ListAliasesReq;
import io.milvus.v2.service.vector.request.AnnSearchReq;
import io.milvus.v2.service.vector.request.DeleteReq;
import io.milvus.v2.service.vector.request.HybridSearchReq;
import io.milvus.v2.service.vector.request.QueryReq;
import io.milvus.v2.service.vector.request.SearchReq;
import io.milvus.v2.service.vector.request.UpsertReq;
import io.milvus.v2.service.vector.request.data.EmbeddedText;
import io.milvus.v2.service.vector.request.data.FloatVec;
import io.milvus.v2.service.vector.request.ranker.RRFRanker;
import io.milvus.v2.service.vector.response.SearchResp;
import io.ragstream.model.FieldLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector store on a Milvus server: one Milvus collection per collection, the tenant as partition key, a COSINE index
 * on the embedding and a BM25 function on the text for hybrid search.
 */
public final class MilvusVectorStore implements VectorStore {

    /** The sparse vector that Milvus's BM25 function derives from {@code text}; never written by the store. */
    static final String TEXT_SPARSE = "text_sparse";

    static final int CHUNK_ID_MAX_LENGTH = 512;
    static final int DOC_ID_MAX_LENGTH = 256;
    static final int TENANT_MAX_LENGTH = 64;
    static final int VERSION_MAX_LENGTH = 64;
    static final int SOURCE_MAX_LENGTH = 64;
    static final int URI_MAX_LENGTH = FieldLimits.URI_BYTES;
    static final int TITLE_MAX_LENGTH = FieldLimits.TITLE_BYTES;
    static final int TEXT_MAX_LENGTH = FieldLimits.CHUNK_TEXT_BYTES;
    static final int MODEL_ID_MAX_LENGTH = 256;
    static final int HEADING_PATH_MAX_DEPTH = FieldLimits.HEADING_DEPTH;
    static final int HEADING_MAX_LENGTH = FieldLimits.HEADING_BYTES;
    static final int TAGS_MAX_COUNT = 64;
    static final int TAG_MAX_LENGTH = FieldLimits.TAG_BYTES;

    /** How long {@link #connect(String, Optional)} waits for the server to answer. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long {@link #ensureCollection} waits for a new collection to be loaded for search. */
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private static final List<String> OUTPUT_FIELDS = List.of(
            CHUNK_ID,
            DOC_ID,
            TENANT,
            VERSION,
            SEQUENCE,
            SOURCE,
            URI,
            TITLE,
            TEXT,
            ORDINAL,
            HEADING_PATH,
            TAGS,
            METADATA,
            INGESTED_AT);

    /** Milvus's error code for a collection (or alias) that does not exist. */
    private static final Logger log = LoggerFactory.getLogger(MilvusVectorStore.class);

    private static final int COLLECTION_NOT_FOUND = 100;
    /** The longest one RPC may take: a batch write takes well under a second; an outage shows within this. */
    private static final Duration RPC_DEADLINE = Duration.ofSeconds(15);

    private static final List<String> RETRYABLE_GRPC_STATUSES =
            List.of("UNAVAILABLE", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED", "ABORTED");
    /** How long the SDK itself retries a failing call before the store reports it unavailable. */
    private static final Duration SDK_RETRY_BUDGET = Duration.ofSeconds(5);
    /** Milvus answers at most this many rows per query; a document of more chunks is read in part. */
    private static final int MAX_CHUNKS_PER_DOCUMENT = FieldLimits.CHUNKS_PER_DOCUMENT;
    /** Ids removed by one delete RPC. */
    private static final int DELETE_BATCH = 4_096;
    /** What the store reads of a row to decide what a write leaves behind. */
    private static final List<String> FENCE_FIELDS = List.of(CHUNK_ID, DOC_ID, SEQUENCE);

    private final MilvusClientV2 client;
    private final String uri;
    private final boolean ownsClient;
    /** Milvus Lite takes one writer per collection; writes through this store go one at a time per collection. */
    private final Map<String, ReentrantLock> writeLocks = new ConcurrentHashMap<>();

    private volatile MilvusServerFeatures features;
    /** Names known to be aliases (true) or collections (false), on servers that describe an alias under its name. */
    private final Map<String, Boolean> aliasNames = new ConcurrentHashMap<>();

    /**
     * A store on a connected client, which the caller keeps owning and closes after this store.
     *
     * @param uri where the client is connected, named in error messages
     */
    public MilvusVectorStore(MilvusClientV2 client, String uri) {
        this(client, uri, false);
    }

    private MilvusVectorStore(MilvusClientV2 client, String uri, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.uri = Objects.requireNonNull(uri, "uri");
        this.ownsClient = ownsClient;
    }

    /** Connects to the Milvus at {@code uri}; the returned store owns the connection and closes it. */
    public static MilvusVectorStore connect(String uri, Optional<String> token) {
        return connect(uri, token, DEFAULT_CONNECT_TIMEOUT);
    }

    /** Connects to the Milvus at {@code uri}, giving up after {@code connectTimeout}; the store owns the connection. */
    public static MilvusVectorStore connect(String uri, Optional<String> token, Duration connectTimeout) {
        ConnectConfig.ConnectConfigBuilder config = ConnectConfig.builder()
                .uri(uri)
                .connectTimeoutMs(connectTimeout.toMillis())
                .rpcDeadlineMs(RPC_DEADLINE.toMillis());
        token.ifPresent(config::token);
        try {
            MilvusClientV2 client = new MilvusClientV2(config.build());
            // The SDK would retry an unreachable server for minutes inside one call; fail within seconds instead, so
            // callers see StoreUnavailableException and can pause and back off (the embedder keeps its partitions).
            client.retryConfig(RetryConfig.builder()
                    .maxRetryTimes(3)
                    .initialBackOffMs(100)
                    .maxBackOffMs(1_000)
                    .maxRetryTimeoutMs(SDK_RETRY_BUDGET.toMillis())
                    .build());
            return new MilvusVectorStore(client, uri, true);
        } catch (MilvusClientException e) {
            if (e.getErrorCode() == ErrorCode.INVALID_PARAMS) {
                throw new IllegalArgumentException("Milvus URI " + uri + " is not valid: " + e.getMessage(), e);
            }
            throw unreachable(uri, connectTimeout, e);
        } catch (RuntimeException e) {
            // The client lets gRPC's own (shaded) exceptions out of its first call, e.g. DEADLINE_EXCEEDED.
            throw unreachable(uri, connectTimeout, e);
        }
    }

    private static StoreUnavailableException unreachable(String uri, Duration connectTimeout, RuntimeException e) {
        return new StoreUnavailableException(
                "cannot connect to Milvus at " + uri + " within " + connectTimeout + ": " + e.getMessage()
                        + "; check that Milvus runs there and that the URI and token are right",
                e);
    }

    @Override
    public void ensureCollection(String collection, CollectionSpec spec) {
        CollectionSpecs.requireSupportedAnalyzer(spec);
        Optional<CollectionSpec> existing = describe(collection);
        if (existing.isPresent()) {
            CollectionSpecs.requireCompatible(collection, existing.get(), spec);
            return;
        }
        try {
            create(collection, spec);
        } catch (IllegalStateException e) {
            if (spec.textAnalyzer().equals(CollectionSpecs.KOREAN)) {
                throw new IllegalStateException(
                        e.getMessage() + "; the korean analyzer needs Milvus with the lindera tokenizer and its ko-dic"
                                + " dictionary (Milvus 2.6, or 2.5.11+ built with it); Milvus Lite has only standard"
                                + " and jieba",
                        e);
            }
            throw e;
        }
    }

    private void create(String collection, CollectionSpec spec) {
        call("create", collection, () -> {
            client.createCollection(CreateCollectionReq.builder()
                    .collectionName(collection)
                    .collectionSchema(schema(spec, features()))
                    // A separate createIndex call would wait through AllocTimestamp, which Milvus Lite lacks.
                    .indexParams(indexes(features()))
                    .properties(CollectionSpecs.toProperties(spec))
                    .consistencyLevel(ConsistencyLevel.BOUNDED)
                    .build());
            client.loadCollection(LoadCollectionReq.builder()
                    .collectionName(collection)
                    .sync(true)
                    .timeout(LOAD_TIMEOUT.toMillis())
                    .build());
            return null;
        });
    }

    @Override
    public Optional<CollectionSpec> describe(String collection) {
        return target(collection).map(Target::spec);
    }

    /**
     * Writes each document's rows, then removes every row of it that the write left behind, or its own rows when a later
     * sequence is there. Milvus has no transaction, so the order of the steps is what keeps several writers (replicas, a
     * zombie, a replay) correct: each writer reads the document's rows strongly after its own write, so of two writers of
     * one document, at least the later reader sees both versions and removes the lower one. Removal is by primary key,
     * of rows found by that strong read: a delete by expression could miss rows written a moment before.
     */
    @Override
    public Set<String> apply(String collection, StoreChanges changes) {
        Target target = existing(collection);
        if (changes.isEmpty()) {
            return Set.of();
        }
        // Check every vector first, so a bad chunk refuses the whole batch before anything is written.
        List<JsonObject> rows = new ArrayList<>();
        for (DocumentWrite write : changes.documents()) {
            for (EmbeddedChunk chunk : write.chunks()) {
                CollectionSpecs.requireDimension(
                        collection, target.spec(), "chunk " + chunk.chunk().chunkId(), chunk.vector());
            }
        }
        ReentrantLock lock = writeLocks.computeIfAbsent(target.name(), name -> new ReentrantLock());
        lock.lock();
        try {
            Map<String, Long> before = highest(storedRows(target, changes.documents()));
            Set<String> superseded = new LinkedHashSet<>();
            List<DocumentWrite> writes = new ArrayList<>();
            for (DocumentWrite write : changes.documents()) {
                if (before.getOrDefault(write.docId(), -1L) > write.sequence()) {
                    superseded.add(write.docId());
                } else {
                    writes.add(write);
                    rows.addAll(rows(write, target.spec()));
                }
            }
            if (!rows.isEmpty()) {
                call(
                        "upsert",
                        target.name(),
                        () -> client.upsert(UpsertReq.builder()
                                .collectionName(target.name())
                                .data(rows)
                                .build()));
            }
            List<StoredRow> after = storedRows(target, writes);
            Map<String, Long> highest = highest(after);
            Map<String, DocumentWrite> byDocument = new HashMap<>();
            writes.forEach(write -> byDocument.put(write.docId(), write));
            List<String> stale = new ArrayList<>();
            for (StoredRow row : after) {
                DocumentWrite write = byDocument.get(row.docId());
                long top = highest.get(row.docId());
                boolean leftBehind = row.sequence() == write.sequence()
                        && top == write.sequence()
                        && !ids(write).contains(row.chunkId());
                if (row.sequence() < top || leftBehind) {
                    stale.add(row.chunkId());
                }
            }
            highest.forEach((docId, top) -> {
                if (top > byDocument.get(docId).sequence()) {
                    superseded.add(docId);
                }
            });
            for (int from = 0; from < stale.size(); from += DELETE_BATCH) {
                List<String> ids = stale.subList(from, Math.min(stale.size(), from + DELETE_BATCH));
                // A primary-key list, which Milvus removes by key without a query of its own. Written here rather than
                // passed as ids: the SDK does not escape the quotes and backslashes a docId may hold.
                call(
                        "delete",
                        target.name(),
                        () -> client.delete(DeleteReq.builder()
                                .collectionName(target.name())
                                .filter(MilvusFilters.keysAre(ids))
                                .build()));
            }
            return Set.copyOf(superseded);
        } finally {
            lock.unlock();
        }
    }

    /** What the store reads of a row to decide what a write leaves behind. */
    private record StoredRow(String chunkId, String docId, long sequence) {}

    /**
     * Every row of the documents, read at strong consistency: it sees every write acknowledged before it began. A group
     * of documents whose rows fill a whole answer is read again in halves.
     */
    private List<StoredRow> storedRows(Target target, List<DocumentWrite> writes) {
        List<String> docIds =
                writes.stream().map(DocumentWrite::docId).distinct().toList();
        if (docIds.isEmpty()) {
            return List.of();
        }
        // Through read(): a collection that a restarted server left released is loaded first.
        var result = read(
                "read",
                target.name(),
                () -> client.query(QueryReq.builder()
                        .collectionName(target.name())
                        .filter(MilvusFilters.documentsAre(docIds))
                        .outputFields(FENCE_FIELDS)
                        .limit(MAX_CHUNKS_PER_DOCUMENT)
                        .consistencyLevel(ConsistencyLevel.STRONG)
                        .build()));
        if (result.getQueryResults().size() >= MAX_CHUNKS_PER_DOCUMENT) {
            if (docIds.size() == 1) {
                throw new IllegalStateException("document " + docIds.getFirst() + " has " + MAX_CHUNKS_PER_DOCUMENT
                        + " or more rows in collection " + target.name() + ", more than one Milvus query returns;"
                        + " split the document or cut it into fewer, larger chunks");
            }
            int half = writes.size() / 2;
            List<StoredRow> rows = new ArrayList<>(storedRows(target, writes.subList(0, half)));
            rows.addAll(storedRows(target, writes.subList(half, writes.size())));
            return rows;
        }
        return result.getQueryResults().stream()
                .map(row -> new StoredRow(
                        (String) row.getEntity().get(CHUNK_ID),
                        (String) row.getEntity().get(DOC_ID),
                        ((Number) row.getEntity().get(SEQUENCE)).longValue()))
                .toList();
    }

    private static Map<String, Long> highest(List<StoredRow> rows) {
        Map<String, Long> highest = new HashMap<>();
        rows.forEach(row -> highest.merge(row.docId(), row.sequence(), Math::max));
        return highest;
    }

    private static Set<String> ids(DocumentWrite write) {
        if (write.chunks().isEmpty()) {
            return Set.of(LatestVersions.fenceId(write.docId(), write.sequence()));
        }
        Set<String> ids = new HashSet<>();
        write.chunks().forEach(chunk -> ids.add(chunk.chunk().chunkId()));
        return ids;
    }

    @Override
    public List<SearchHit> search(String collection, SearchRequest request) {
        Target target = existing(collection);
        CollectionSpecs.requireDimension(collection, target.spec(), "the query vector", request.vector());
        String filter = MilvusFilters.of(request.filter());
        ConsistencyLevel consistency = request.readYourWrites() ? ConsistencyLevel.STRONG : ConsistencyLevel.BOUNDED;
        SearchResp response = read("search", collection, () -> switch (request.mode()) {
            case DENSE ->
                client.search(SearchReq.builder()
                        .collectionName(collection)
                        .annsField(EMBEDDING)
                        .metricType(IndexParam.MetricType.COSINE)
                        .data(List.of(new FloatVec(request.vector())))
                        .filter(filter)
                        .limit(request.topK())
                        .outputFields(OUTPUT_FIELDS)
                        .consistencyLevel(consistency)
                        .build());
            case HYBRID -> {
                if (!features().textSearch()) {
                    throw new UnsupportedOperationException(
                            "Milvus " + features().version() + " at " + uri
                                    + " has no BM25 function, so no hybrid search (Milvus 2.5 and later has it); search with"
                                    + " mode dense, or upgrade Milvus and index into a new collection");
                }
                int candidates = ReciprocalRankFusion.candidates(request.topK());
                yield client.hybridSearch(HybridSearchReq.builder()
                        .collectionName(collection)
                        .searchRequests(List.of(
                                AnnSearchReq.builder()
                                        .vectorFieldName(EMBEDDING)
                                        .metricType(IndexParam.MetricType.COSINE)
                                        .vectors(List.of(new FloatVec(request.vector())))
                                        .filter(filter)
                                        .limit(candidates)
                                        .build(),
                                AnnSearchReq.builder()
                                        .vectorFieldName(TEXT_SPARSE)
                                        .metricType(IndexParam.MetricType.BM25)
                                        .vectors(List.of(new EmbeddedText(
                                                request.queryText().orElseThrow())))
                                        .filter(filter)
                                        .limit(candidates)
                                        .build()))
                        .ranker(RRFRanker.builder()
                                .k(ReciprocalRankFusion.DEFAULT_K)
                                .build())
                        .limit(request.topK())
                        .outFields(OUTPUT_FIELDS)
                        .consistencyLevel(consistency)
                        .build());
            }
        });
        List<SearchHit> hits = new ArrayList<>();
        for (SearchResp.SearchResult result : response.getSearchResults().getFirst()) {
            hits.add(new SearchHit(chunk(result.getEntity()), result.getScore()));
        }
        return LatestVersions.only(hits, SearchHit::chunk);
    }

    @Override
    public List<ChunkRecord> chunksOf(String collection, String docId) {
        existing(collection);
        return read("read", collection, () -> {
            var result = client.query(QueryReq.builder()
                    .collectionName(collection)
                    .filter(MilvusFilters.chunksOf(docId))
                    .outputFields(OUTPUT_FIELDS)
                    .limit(MAX_CHUNKS_PER_DOCUMENT)
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .build());
            return LatestVersions.only(
                    result.getQueryResults().stream()
                            .map(row -> chunk(row.getEntity()))
                            .sorted(java.util.Comparator.comparingInt(ChunkRecord::ordinal))
                            .toList(),
                    chunk -> chunk);
        });
    }

    @Override
    public long count(String collection, SearchFilter filter) {
        existing(collection);
        return read("count", collection, () -> {
            var result = client.query(QueryReq.builder()
                    .collectionName(collection)
                    .filter(MilvusFilters.of(filter))
                    .outputFields(List.of("count(*)"))
                    // A count answers "is it all there?", so it waits for every acknowledged write.
                    .consistencyLevel(ConsistencyLevel.STRONG)
                    .build());
            return ((Number) result.getQueryResults().getFirst().getEntity().get("count(*)")).longValue();
        });
    }

    @Override
    public boolean supportsHybrid() {
        return features().textSearch();
    }

    /** What the server offers, asked once: a store may be made while the server is still starting. */
    private MilvusServerFeatures features() {
        MilvusServerFeatures known = features;
        if (known == null) {
            known = MilvusServerFeatures.of(call("version", "(server)", client::getServerVersion));
            if (!known.textSearch() || !known.partitionKeyUpserts()) {
                log.info(
                        "milvus={} at {}: {}{}",
                        known.version(),
                        uri,
                        known.textSearch() ? "" : "no BM25 functions, so dense search only; ",
                        known.partitionKeyUpserts()
                                ? ""
                                : "upserts into partition-key collections lose rows, so new collections keep the tenant"
                                        + " as a plain field");
            }
            features = known;
        }
        return known;
    }

    @Override
    public void pointAlias(String alias, String collection) {
        Optional<Target> current = target(alias);
        Target next = existing(collection);
        AliasRules.requirePointable(
                alias,
                collection,
                current.map(target -> target.name().equals(alias)).orElse(false),
                !next.name().equals(collection));
        call("alias", collection, () -> {
            aliasNames.put(alias, true);
            if (current.isPresent()) {
                client.alterAlias(AlterAliasReq.builder()
                        .alias(alias)
                        .collectionName(collection)
                        .build());
            } else {
                client.createAlias(CreateAliasReq.builder()
                        .alias(alias)
                        .collectionName(collection)
                        .build());
            }
            return null;
        });
    }

    @Override
    public void dropCollection(String collection) {
        Optional<Target> target = target(collection);
        if (target.isEmpty()) {
            return;
        }
        boolean isAlias = !target.get().name().equals(collection);
        call("drop", collection, () -> {
            AliasRules.requireDroppable(
                    collection,
                    isAlias ? Optional.of(target.get().name()) : Optional.empty(),
                    isAlias
                            ? List.of()
                            : client.listAliases(ListAliasesReq.builder()
                                            .collectionName(collection)
                                            .build())
                                    .getAlias());
            aliasNames.remove(collection);
            client.dropCollection(
                    DropCollectionReq.builder().collectionName(collection).build());
            return null;
        });
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    /** A collection resolved through its alias, with what it was made for. */
    private record Target(String name, CollectionSpec spec) {}

    private Target existing(String collection) {
        return describeTarget(collection)
                .orElseThrow(() -> new CollectionNotFoundException("collection " + collection
                        + " does not exist in Milvus at " + uri + "; call ensureCollection first"));
    }

    /**
     * The collection a name (or alias) resolves to; empty when there is none. Asks first whether it exists: the SDK
     * logs a failed describe at ERROR, which would alarm operators on every first start.
     */
    private Optional<Target> target(String collection) {
        boolean exists = call(
                "check",
                collection,
                () -> client.hasCollection(
                        HasCollectionReq.builder().collectionName(collection).build()));
        return exists ? describeTarget(collection) : Optional.empty();
    }

    /** The collection a name (or alias) resolves to, by one describe call: for names expected to exist. */
    private Optional<Target> describeTarget(String collection) {
        return call("describe", collection, () -> {
            DescribeCollectionResp description;
            try {
                description = client.describeCollection(DescribeCollectionReq.builder()
                        .collectionName(collection)
                        .build());
            } catch (MilvusClientException e) {
                if (e.getServerErrCode() == COLLECTION_NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
            Map<String, String> properties =
                    description.getProperties() == null ? Map.of() : description.getProperties();
            CollectionSpec spec = CollectionSpecs.fromProperties(properties)
                    .orElseThrow(() -> new IllegalStateException("Milvus collection " + collection + " at " + uri
                            + " records no ragstream collection spec in its properties; it was not made by"
                            + " MilvusVectorStore: use another collection name"));
            var tenantField = description.getCollectionSchema().getField(TENANT);
            if (!features().partitionKeyUpserts()
                    && tenantField != null
                    && Boolean.TRUE.equals(tenantField.getIsPartitionKey())) {
                throw new IllegalStateException("Milvus collection " + collection + " at " + uri
                        + " keeps the tenant as partition key, and Milvus "
                        + features().version()
                        + " loses rows upserted into such a collection; index into a new collection (this store makes"
                        + " it without a partition key on this server), or upgrade Milvus to 2.4 or later");
            }
            if (!description.getFieldNames().contains(SEQUENCE)) {
                throw new IllegalStateException("Milvus collection " + collection + " at " + uri
                        + " was made by an earlier ragstream: it has no " + SEQUENCE + " field, which this version"
                        + " needs to keep a late write of an older version from replacing a newer one; index into a new"
                        + " collection (store.collection) and re-ingest, or drop this one");
            }
            return Optional.of(new Target(collectionOf(collection, description.getCollectionName()), spec));
        });
    }

    /**
     * The collection behind a name. Milvus before 2.5 describes an alias under the alias's own name; there the store asks
     * once whether a name is an alias (the SDK logs a failed ask as an error, so the answer is kept).
     */
    private String collectionOf(String name, String described) {
        if (features().describesAliasTarget() || !described.equals(name)) {
            return described;
        }
        boolean alias = aliasNames.computeIfAbsent(name, this::isAlias);
        return alias
                ? call("alias", name, () -> client.describeAlias(
                                DescribeAliasReq.builder().alias(name).build())
                        .getCollectionName())
                : described;
    }

    private boolean isAlias(String name) {
        try {
            client.describeAlias(DescribeAliasReq.builder().alias(name).build());
            return true;
        } catch (MilvusClientException notAnAlias) {
            return false;
        }
    }

    private void write(Target target, String action, Runnable rpc) {
        ReentrantLock lock = writeLocks.computeIfAbsent(target.name(), name -> new ReentrantLock());
        lock.lock();
        try {
            call(action, target.name(), () -> {
                rpc.run();
                return null;
            });
        } finally {
            lock.unlock();
        }
    }

    /** Runs RPCs, telling failures that retrying may fix (the server is down or slow) from refusals. */
    /**
     * A read. A collection found released, as Milvus Lite leaves every collection after a restart, is loaded and the read
     * tried once more; any other failure stands.
     */
    private <T> T read(String action, String collection, Supplier<T> rpcs) {
        try {
            return call(action, collection, rpcs);
        } catch (IllegalStateException | StoreUnavailableException failure) {
            String name = existing(collection).name();
            boolean loaded = call(
                    "check",
                    name,
                    () -> client.getLoadState(
                            GetLoadStateReq.builder().collectionName(name).build()));
            if (loaded) {
                throw failure;
            }
            log.info("collection={} was released (a restarted server); loading it", name);
            call("load", name, () -> {
                client.loadCollection(LoadCollectionReq.builder()
                        .collectionName(name)
                        .sync(true)
                        .timeout(LOAD_TIMEOUT.toMillis())
                        .build());
                return null;
            });
            return call(action, collection, rpcs);
        }
    }

    private <T> T call(String action, String collection, Supplier<T> rpcs) {
        try {
            return rpcs.get();
        } catch (MilvusClientException e) {
            boolean retryable = e.getErrorCode() == ErrorCode.TIMEOUT || unavailable(e);
            if (retryable) {
                throw new StoreUnavailableException(
                        "Milvus at " + uri + " did not answer " + action + " of collection " + collection + ": "
                                + e.getMessage() + "; retry when it is reachable",
                        e);
            }
            throw new IllegalStateException(
                    "Milvus at " + uri + " refused " + action + " of collection " + collection + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Whether the failure says the server could not be reached or did not answer in time, which retrying may fix. The
     * SDK wraps gRPC's status in its message (and calls a deadline "an rpc error that cannot be retried"), so the status
     * name decides, not the SDK's wording.
     */
    private static boolean unavailable(MilvusClientException e) {
        String message = String.valueOf(e.getMessage());
        return RETRYABLE_GRPC_STATUSES.stream().anyMatch(message::contains);
    }

    private static CreateCollectionReq.CollectionSchema schema(CollectionSpec spec, MilvusServerFeatures features) {
        CreateCollectionReq.CollectionSchema schema =
                CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder()
                .fieldName(CHUNK_ID)
                .dataType(DataType.VarChar)
                .maxLength(CHUNK_ID_MAX_LENGTH)
                .isPrimaryKey(true)
                .autoID(false)
                .build());
        schema.addField(varchar(DOC_ID, DOC_ID_MAX_LENGTH).build());
        schema.addField(varchar(TENANT, TENANT_MAX_LENGTH)
                .isPartitionKey(features.partitionKeyUpserts())
                .build());
        schema.addField(varchar(VERSION, VERSION_MAX_LENGTH).build());
        schema.addField(AddFieldReq.builder()
                .fieldName(SEQUENCE)
                .dataType(DataType.Int64)
                .build());
        schema.addField(varchar(SOURCE, SOURCE_MAX_LENGTH).build());
        schema.addField(varchar(URI, URI_MAX_LENGTH).build());
        // An absent title is written as "" (servers before 2.5 have no nullable fields); null is still read as absent.
        schema.addField(varchar(TITLE, TITLE_MAX_LENGTH)
                .isNullable(features.textSearch())
                .build());
        if (features.textSearch()) {
            schema.addField(varchar(TEXT, TEXT_MAX_LENGTH)
                    .enableAnalyzer(true)
                    .analyzerParams(analyzerParams(spec.textAnalyzer()))
                    .build());
        } else {
            schema.addField(varchar(TEXT, TEXT_MAX_LENGTH).build());
        }
        schema.addField(AddFieldReq.builder()
                .fieldName(ORDINAL)
                .dataType(DataType.Int32)
                .build());
        schema.addField(varcharArray(HEADING_PATH, HEADING_PATH_MAX_DEPTH, HEADING_MAX_LENGTH));
        schema.addField(varcharArray(TAGS, TAGS_MAX_COUNT, TAG_MAX_LENGTH));
        schema.addField(AddFieldReq.builder()
                .fieldName(METADATA)
                .dataType(DataType.JSON)
                .build());
        schema.addField(AddFieldReq.builder()
                .fieldName(INGESTED_AT)
                .dataType(DataType.Int64)
                .build());
        schema.addField(varchar(MODEL_ID, MODEL_ID_MAX_LENGTH).build());
        schema.addField(AddFieldReq.builder()
                .fieldName(EMBEDDING)
                .dataType(DataType.FloatVector)
                .dimension(spec.dimension())
                .build());
        if (features.textSearch()) {
            schema.addField(AddFieldReq.builder()
                    .fieldName(TEXT_SPARSE)
                    .dataType(DataType.SparseFloatVector)
                    .build());
            schema.addFunction(CreateCollectionReq.Function.builder()
                    .name("text_bm25")
                    .functionType(FunctionType.BM25)
                    .inputFieldNames(List.of(TEXT))
                    .outputFieldNames(List.of(TEXT_SPARSE))
                    .build());
        }
        return schema;
    }

    private static List<IndexParam> indexes(MilvusServerFeatures features) {
        IndexParam dense = IndexParam.builder()
                .fieldName(EMBEDDING)
                .indexType(IndexParam.IndexType.AUTOINDEX)
                .metricType(IndexParam.MetricType.COSINE)
                .build();
        if (!features.textSearch()) {
            return List.of(dense);
        }
        return List.of(
                dense,
                IndexParam.builder()
                        .fieldName(TEXT_SPARSE)
                        .indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX)
                        .metricType(IndexParam.MetricType.BM25)
                        .build());
    }

    /** Milvus analyzer settings: its built-in standard analyzer, or the lindera tokenizer with the Korean dictionary. */
    static Map<String, Object> analyzerParams(String textAnalyzer) {
        return switch (textAnalyzer) {
            case CollectionSpecs.STANDARD -> Map.of("type", "standard");
            case CollectionSpecs.KOREAN -> Map.of("tokenizer", Map.of("type", "lindera", "dict_kind", "ko-dic"));
            default ->
                throw new IllegalArgumentException("text analyzer '" + textAnalyzer + "' is not supported; use one of "
                        + CollectionSpecs.ANALYZERS);
        };
    }

    private static AddFieldReq.AddFieldReqBuilder<?> varchar(String name, int maxLength) {
        return AddFieldReq.builder().fieldName(name).dataType(DataType.VarChar).maxLength(maxLength);
    }

    private static AddFieldReq varcharArray(String name, int maxCapacity, int maxLength) {
        return AddFieldReq.builder()
                .fieldName(name)
                .dataType(DataType.Array)
                .elementType(DataType.VarChar)
                .maxCapacity(maxCapacity)
                .maxLength(maxLength)
                .build();
    }

    /** The rows a document write upserts: its chunks, or the fence row of a removal. */
    static List<JsonObject> rows(DocumentWrite write, CollectionSpec spec) {
        if (write.chunks().isEmpty()) {
            return List.of(fence(write, spec));
        }
        return write.chunks().stream().map(chunk -> row(chunk, spec)).toList();
    }

    /**
     * The row a removal leaves: ordinal {@value LatestVersions#FENCE_ORDINAL}, which every read filters out. Milvus wants
     * a vector in every row; a unit vector keeps the cosine index well defined.
     */
    private static JsonObject fence(DocumentWrite removal, CollectionSpec spec) {
        JsonObject row = new JsonObject();
        row.addProperty(CHUNK_ID, LatestVersions.fenceId(removal.docId(), removal.sequence()));
        row.addProperty(DOC_ID, removal.docId());
        row.addProperty(TENANT, "");
        row.addProperty(VERSION, "");
        row.addProperty(SEQUENCE, removal.sequence());
        row.addProperty(SOURCE, "");
        row.addProperty(URI, "");
        row.addProperty(TITLE, "");
        row.addProperty(TEXT, "");
        row.addProperty(ORDINAL, LatestVersions.FENCE_ORDINAL);
        row.add(HEADING_PATH, new JsonArray());
        row.add(TAGS, new JsonArray());
        row.add(METADATA, new JsonObject());
        row.addProperty(INGESTED_AT, 0L);
        row.addProperty(MODEL_ID, spec.modelId());
        JsonArray vector = new JsonArray(spec.dimension());
        vector.add(1f);
        for (int i = 1; i < spec.dimension(); i++) {
            vector.add(0f);
        }
        row.add(EMBEDDING, vector);
        return row;
    }

    private static JsonObject row(EmbeddedChunk embedded, CollectionSpec spec) {
        ChunkRecord chunk = embedded.chunk();
        JsonObject row = new JsonObject();
        row.addProperty(CHUNK_ID, chunk.chunkId());
        row.addProperty(DOC_ID, chunk.docId());
        row.addProperty(TENANT, chunk.tenant());
        row.addProperty(VERSION, chunk.version());
        row.addProperty(SEQUENCE, chunk.sequence());
        row.addProperty(SOURCE, chunk.source());
        row.addProperty(URI, chunk.uri());
        row.addProperty(TITLE, chunk.title().orElse(""));
        row.addProperty(TEXT, chunk.text());
        row.addProperty(ORDINAL, chunk.ordinal());
        row.add(HEADING_PATH, strings(chunk.headingPath()));
        row.add(TAGS, strings(chunk.tags()));
        JsonObject metadata = new JsonObject();
        chunk.metadata().forEach(metadata::addProperty);
        row.add(METADATA, metadata);
        row.addProperty(INGESTED_AT, chunk.ingestedAt().toEpochMilli());
        row.addProperty(MODEL_ID, spec.modelId());
        JsonArray vector = new JsonArray(embedded.vector().length);
        for (float value : embedded.vector()) {
            vector.add(value);
        }
        row.add(EMBEDDING, vector);
        return row;
    }

    private static JsonArray strings(List<String> values) {
        JsonArray array = new JsonArray(values.size());
        values.forEach(array::add);
        return array;
    }

    private static ChunkRecord chunk(Map<String, Object> entity) {
        return new ChunkRecord(
                (String) entity.get(CHUNK_ID),
                (String) entity.get(DOC_ID),
                (String) entity.get(TENANT),
                (String) entity.get(VERSION),
                ((Number) entity.get(SEQUENCE)).longValue(),
                (String) entity.get(SOURCE),
                (String) entity.get(URI),
                Optional.ofNullable((String) entity.get(TITLE)).filter(title -> !title.isEmpty()),
                ((Number) entity.get(ORDINAL)).intValue(),
                (String) entity.get(TEXT),
                stringList(entity.get(HEADING_PATH)),
                stringList(entity.get(TAGS)),
                metadata(entity.get(METADATA)),
                Instant.ofEpochMilli(((Number) entity.get(INGESTED_AT)).longValue()));
    }

    private static List<String> stringList(Object value) {
        if (value == null) {
            return List.of();
        }
        return ((List<?>) value).stream().map(String::valueOf).toList();
    }

    private static Map<String, String> metadata(Object value) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value instanceof JsonObject object) {
            object.entrySet()
                    .forEach(entry ->
                            metadata.put(entry.getKey(), entry.getValue().getAsString()));
        } else if (value != null) {
            throw new IllegalStateException(
                    "metadata of a Milvus row is a " + value.getClass().getName()
                            + ", not a JSON object; the collection was not written by MilvusVectorStore");
        }
        return metadata;
    }
}
