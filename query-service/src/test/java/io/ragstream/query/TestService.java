package io.ragstream.query;

import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
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

    private TestService(QueryService service) {
        this.service = service;
    }

    /** Indexes the chunks into collection {@code chunks} of the store and starts the service on a free port. */
    static TestService start(VectorStore store, String collection, String key, List<ChunkRecord> chunks) {
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        store.ensureCollection(collection, new CollectionSpec(embedder.modelId(), embedder.dimension()));
        List<float[]> vectors =
                embedder.embed(chunks.stream().map(ChunkRecord::text).toList(), InputKind.PASSAGE);
        List<EmbeddedChunk> embedded = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            embedded.add(new EmbeddedChunk(chunks.get(i), vectors.get(i)));
        }
        store.upsert(collection, embedded);
        QueryConfig defaults = QueryConfig.defaults();
        QueryConfig config = new QueryConfig(
                0,
                collection,
                new QueryConfig.Auth(TENANT + ":" + key, Optional.empty()),
                defaults.limits(),
                defaults.store(),
                defaults.model());
        return new TestService(QueryService.start(config, store, embedder));
    }

    /** The only chunk of a document of tenant acme, at https://kb.test/NAME. */
    static ChunkRecord chunk(String docId, Optional<String> title, String text) {
        String name = docId.substring(docId.lastIndexOf('/') + 1).replace("kb:", "");
        return new ChunkRecord(
                docId + "#v1#0",
                docId,
                TENANT,
                "v1",
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
