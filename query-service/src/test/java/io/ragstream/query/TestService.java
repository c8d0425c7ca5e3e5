package io.ragstream.query;

import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.status.StatusView;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.VectorStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A query service for tests: the given store holding the given chunks (embedded with the default model), one key. */
final class TestService implements AutoCloseable {

    static final String TENANT = "acme";

    private final QueryService service;
    private final VectorStore store;
    private final OnnxEmbedder embedder;
    private final String collection;

    private TestService(QueryService service, VectorStore store, OnnxEmbedder embedder, String collection) {
        this.service = service;
        this.store = store;
        this.embedder = embedder;
        this.collection = collection;
    }

    /** Indexes the chunks into the collection of the store and starts the service on a free port. */
    static TestService start(VectorStore store, String collection, String key, List<ChunkRecord> chunks) {
        return start(store, chunks, config(collection, key), Optional.empty());
    }

    /** The default settings on a free port, with one key of tenant acme. */
    static QueryConfig config(String collection, String key) {
        return QueryConfig.defaults().withHttpPort(0).withCollection(collection).withKeys(TENANT + ":" + key);
    }

    /** Indexes the chunks into the configured collection and starts the service with these settings. */
    static TestService start(
            VectorStore store, List<ChunkRecord> chunks, QueryConfig config, Optional<StatusView> statuses) {
        String collection = config.collection();
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        store.ensureCollection(collection, new CollectionSpec(embedder.modelId(), embedder.dimension()));
        index(store, embedder, collection, chunks);
        return new TestService(QueryService.start(config, store, embedder, statuses), store, embedder, collection);
    }

    /** Embeds and writes more chunks while the service runs, as the embedder service would. */
    void index(List<ChunkRecord> chunks) {
        index(store, embedder, collection, chunks);
    }

    private static void index(VectorStore store, OnnxEmbedder embedder, String collection, List<ChunkRecord> chunks) {
        if (chunks.isEmpty()) {
            return;
        }
        List<float[]> vectors =
                embedder.embed(chunks.stream().map(ChunkRecord::text).toList(), InputKind.PASSAGE);
        List<EmbeddedChunk> embedded = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            embedded.add(new EmbeddedChunk(chunks.get(i), vectors.get(i)));
        }
        store.upsert(collection, embedded);
    }

    /** The only chunk of a document of tenant acme, at https://kb.test/NAME. */
    static ChunkRecord chunk(String docId, Optional<String> title, String text) {
        return chunk(docId, "v1", title, text);
    }

    /** The only chunk of one version of a document of tenant acme, at https://kb.test/NAME. */
    static ChunkRecord chunk(String docId, String version, Optional<String> title, String text) {
        String name = docId.substring(docId.lastIndexOf('/') + 1).replace("kb:", "");
        return new ChunkRecord(
                docId + "#" + version + "#0",
                docId,
                TENANT,
                version,
                "test",
                "https://kb.test/" + name,
                title,
                0,
                text,
                List.of(),
                List.of(),
                Map.of(),
                Instant.parse("2026-11-22T10:00:00Z"));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + service.port();
    }

    int port() {
        return service.port();
    }

    @Override
    public void close() {
        service.close();
    }
}
