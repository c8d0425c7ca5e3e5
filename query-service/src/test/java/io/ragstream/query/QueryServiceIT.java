package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.testkit.MilvusFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The query API on a real Milvus server, through an outage of it. */
class QueryServiceIT {

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void storeOutageAnswers503WithRetryAfterAndTheServiceRecovers() throws Exception {
        String collection = milvus.uniqueCollection("chunks");
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        MilvusVectorStore store = MilvusVectorStore.connect(milvus.uri(), Optional.empty());
        store.ensureCollection(collection, new CollectionSpec(embedder.modelId(), embedder.dimension()));
        List<String> texts = List.of(
                "A compacted topic keeps the latest value for every key.",
                "Reciprocal rank fusion adds one over k plus rank for every list.");
        List<float[]> vectors = embedder.embed(texts, InputKind.PASSAGE);
        for (int i = 0; i < texts.size(); i++) {
            ChunkRecord chunk = new ChunkRecord(
                    "kb:" + i + "#v1#0",
                    "kb:" + i,
                    "acme",
                    "v1",
                    "test",
                    "https://kb.test/" + i,
                    Optional.empty(),
                    0,
                    texts.get(i),
                    List.of(),
                    List.of(),
                    Map.of(),
                    Instant.now());
            store.upsert(collection, List.of(new EmbeddedChunk(chunk, vectors.get(i))));
        }
        QueryConfig defaults = QueryConfig.defaults();
        QueryConfig config = new QueryConfig(
                0,
                collection,
                new QueryConfig.Auth("acme:secret-key", Optional.empty()),
                defaults.limits(),
                defaults.store(),
                defaults.model());

        try (QueryService service = QueryService.start(config, store, embedder)) {
            assertThat(search(service).statusCode()).isEqualTo(200);

            milvus.stopServer();
            try {
                HttpResponse<String> refused = search(service);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).contains("5");
                assertThat(refused.body()).contains("\"code\":\"unavailable\"").doesNotContain("Exception");
                assertThat(get(service, "/health/ready").statusCode()).isEqualTo(503);
            } finally {
                milvus.startServer();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> search(service).statusCode() == 200);
            assertThat(search(service).body()).contains("compacted topic");
        }
    }

    private HttpResponse<String> search(QueryService service) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/v1/search"))
                        .header("Authorization", "Bearer secret-key")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"query\":\"what does compaction keep?\",\"mode\":\"dense\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(QueryService service, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
