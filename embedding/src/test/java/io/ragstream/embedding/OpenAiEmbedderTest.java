package io.ragstream.embedding;

import static io.ragstream.embedding.Vectors.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs against a real HTTP endpoint on loopback that speaks the OpenAI embeddings API with the real default model. */
class OpenAiEmbedderTest {

    private static OnnxEmbedder model;

    private HttpServer server;
    private final ConcurrentLinkedQueue<Integer> failures = new ConcurrentLinkedQueue<>();
    private final List<Integer> batchSizesSeen = new CopyOnWriteArrayList<>();
    private volatile String requiredKey = "secret";

    @BeforeAll
    static void loadModel() {
        model = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
    }

    @AfterAll
    static void closeModel() {
        model.close();
    }

    @BeforeEach
    void startEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", this::answer);
        server.start();
    }

    @AfterEach
    void stopEndpoint() {
        server.stop(0);
    }

    @Test
    void vectorsMatchTheModelBehindTheEndpointInOrderAcrossBatches() {
        List<String> texts = List.of("alpha particles", "beta decay", "gamma rays", "delta wing", "epsilon greedy");

        try (var embedder = new OpenAiEmbedder(settings().withBatchSize(2))) {
            List<float[]> vectors = embedder.embed(texts, InputKind.PASSAGE);

            assertThat(embedder.dimension()).isEqualTo(384);
            assertThat(vectors).hasSize(5);
            List<float[]> direct = model.embed(texts, InputKind.PASSAGE);
            for (int i = 0; i < texts.size(); i++) {
                // The endpoint ran other batches than ours and int8 activations are quantized per batch: a tolerance.
                assertThat(cosine(vectors.get(i), direct.get(i)))
                        .as(texts.get(i))
                        .isGreaterThan(0.99);
                for (int j = 0; j < texts.size(); j++) {
                    if (j != i) {
                        assertThat(cosine(vectors.get(i), direct.get(i)))
                                .as("vector %d is the one of '%s', not of '%s'", i, texts.get(i), texts.get(j))
                                .isGreaterThan(cosine(vectors.get(i), direct.get(j)));
                    }
                }
            }
        }
        assertThat(batchSizesSeen).containsExactly(1, 2, 2, 1); // the dimension probe, then 5 texts in batches of 2
    }

    @Test
    void rateLimitsAndServerErrorsAreRetriedUntilTheEndpointAnswers() {
        try (var embedder = new OpenAiEmbedder(settings())) {
            failures.addAll(List.of(429, 503, 500));

            List<float[]> vectors = embedder.embed(List.of("retry me"), InputKind.PASSAGE);

            assertThat(vectors).hasSize(1);
            assertThat(failures).isEmpty();
            assertThat(batchSizesSeen).hasSize(1 + 4);
        }
    }

    @Test
    void persistentOutageEndsInUnavailableAfterTheConfiguredRetries() {
        try (var embedder = new OpenAiEmbedder(settings())) {
            for (int i = 0; i < 10; i++) {
                failures.add(503);
            }

            assertThatThrownBy(() -> embedder.embed(List.of("x"), InputKind.PASSAGE))
                    .isInstanceOf(EmbeddingUnavailableException.class)
                    .hasMessageContaining("still answers 503 after 4 attempts");
            assertThat(failures).hasSize(10 - 4);
        }
    }

    @Test
    void clientErrorFailsAtOnceWithTheEndpointsOwnWords() {
        requiredKey = "another-key";

        assertThatThrownBy(() -> new OpenAiEmbedder(settings()))
                .isInstanceOfSatisfying(EmbeddingRequestException.class, e -> assertThat(e.status())
                        .isEqualTo(401))
                .hasMessageContaining("Incorrect API key provided")
                .hasMessageContaining("check the API key");
        assertThat(batchSizesSeen).hasSize(1);
    }

    @Test
    void unreachableEndpointIsReportedAsUnavailable() {
        server.stop(0);

        assertThatThrownBy(() -> new OpenAiEmbedder(settings()))
                .isInstanceOf(EmbeddingUnavailableException.class)
                .hasMessageContaining("cannot be reached after 4 attempts");
    }

    @Test
    void prefixesAreSentAsConfigured() {
        try (var embedder =
                new OpenAiEmbedder(settings().withPrefixes(ModelSpec.BGE_SMALL_EN_V15_Q.queryPrefix(), ""))) {
            float[] remote = embedder.embedQuery("what is compaction?");
            float[] local = model.embedQuery("what is compaction?");

            assertThat(cosine(remote, local)).isGreaterThan(0.999);
        }
    }

    private OpenAiEmbedder.Settings settings() {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
        return OpenAiEmbedder.Settings.of(base, "bge-small-en-v1.5", Optional.of("secret"))
                .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(40));
    }

    private void answer(HttpExchange exchange) throws IOException {
        JsonNode request = Json.mapper().readTree(exchange.getRequestBody());
        List<String> inputs = new ArrayList<>();
        request.path("input").forEach(node -> inputs.add(node.asText()));
        batchSizesSeen.add(inputs.size());
        Integer failure = failures.poll();
        if (failure != null) {
            reply(exchange, failure, "{\"error\":{\"message\":\"try later\"}}");
        } else if (!("Bearer " + requiredKey)
                .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            reply(exchange, 401, "{\"error\":{\"message\":\"Incorrect API key provided\"}}");
        } else {
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode data = body.putArray("data");
            List<float[]> vectors = model.embed(inputs, InputKind.PASSAGE); // prefixes arrive already applied
            for (int i = vectors.size() - 1; i >= 0; i--) { // out of order on purpose: clients must sort by index
                ArrayNode values = data.addObject().put("index", i).putArray("embedding");
                for (float v : vectors.get(i)) {
                    values.add(v);
                }
            }
            reply(exchange, 200, body.toString());
        }
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
