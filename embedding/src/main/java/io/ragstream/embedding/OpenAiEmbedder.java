package io.ragstream.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds texts through any OpenAI-compatible {@code /v1/embeddings} endpoint (OpenAI, vLLM, Ollama, TEI, LiteLLM, ...).
 * Batches of {@link Settings#batchSize()} texts per request; 429 and 5xx answers and connection failures are retried with
 * exponential backoff and jitter; any other 4xx fails at once with the endpoint's own words.
 */
public final class OpenAiEmbedder implements Embedder {

    private static final Logger log = LoggerFactory.getLogger(OpenAiEmbedder.class);

    /**
     * Where and how to call the endpoint.
     *
     * @param baseUrl the API root, e.g. {@code https://api.openai.com/v1}; {@code /embeddings} is appended
     * @param model the model name the endpoint knows, also recorded with every vector
     * @param maxRetries retries after the first attempt for 429, 5xx and connection failures
     */
    public record Settings(
            URI baseUrl,
            Optional<String> apiKey,
            String model,
            String queryPrefix,
            String passagePrefix,
            int batchSize,
            Duration timeout,
            int maxRetries,
            Duration initialBackoff,
            Duration maxBackoff) {

        public Settings {
            Objects.requireNonNull(baseUrl, "baseUrl");
            Objects.requireNonNull(model, "model");
            apiKey = apiKey == null ? Optional.empty() : apiKey;
            queryPrefix = queryPrefix == null ? "" : queryPrefix;
            passagePrefix = passagePrefix == null ? "" : passagePrefix;
            if (batchSize < 1 || maxRetries < 0) {
                throw new IllegalArgumentException(
                        "embedding endpoint batchSize=%d and maxRetries=%d: the batch must be ≥ 1 and retries ≥ 0"
                                .formatted(batchSize, maxRetries));
            }
        }

        /** Sensible defaults: batches of 64, 30 s timeout, 5 retries from 500 ms up to 30 s apart. */
        public static Settings of(URI baseUrl, String model, Optional<String> apiKey) {
            return new Settings(
                    baseUrl,
                    apiKey,
                    model,
                    "",
                    "",
                    64,
                    Duration.ofSeconds(30),
                    5,
                    Duration.ofMillis(500),
                    Duration.ofSeconds(30));
        }

        public Settings withRetries(int retries, Duration initial, Duration max) {
            return new Settings(
                    baseUrl, apiKey, model, queryPrefix, passagePrefix, batchSize, timeout, retries, initial, max);
        }

        public Settings withPrefixes(String query, String passage) {
            return new Settings(
                    baseUrl, apiKey, model, query, passage, batchSize, timeout, maxRetries, initialBackoff, maxBackoff);
        }

        public Settings withBatchSize(int value) {
            return new Settings(
                    baseUrl,
                    apiKey,
                    model,
                    queryPrefix,
                    passagePrefix,
                    value,
                    timeout,
                    maxRetries,
                    initialBackoff,
                    maxBackoff);
        }
    }

    private final Settings settings;
    private final URI endpoint;
    private final HttpClient http;
    private final RetryPolicy<HttpResponse<String>> retry;
    private final int dimension;

    /** Connects and asks the endpoint for one vector to learn its dimension; fails here if it cannot answer. */
    public OpenAiEmbedder(Settings settings) {
        this.settings = settings;
        String base = settings.baseUrl().toString();
        this.endpoint = URI.create(base.endsWith("/") ? base + "embeddings" : base + "/embeddings");
        this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
        this.retry = RetryPolicy.<HttpResponse<String>>builder()
                .handle(IOException.class)
                .handleResultIf(response -> response.statusCode() == 429 || response.statusCode() >= 500)
                .withBackoff(settings.initialBackoff(), settings.maxBackoff())
                .withJitter(0.25)
                .withMaxRetries(settings.maxRetries())
                .onRetry(event -> log.warn(
                        "embedding endpoint={} attempt={} retrying after={}",
                        endpoint,
                        event.getAttemptCount(),
                        event.getLastResult() != null
                                ? "status " + event.getLastResult().statusCode()
                                : String.valueOf(event.getLastException())))
                .build();
        this.dimension = request(List.of("dimension probe")).getFirst().length;
    }

    @Override
    public String modelId() {
        return settings.model();
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public List<float[]> embed(List<String> texts, InputKind kind) {
        String prefix = kind == InputKind.QUERY ? settings.queryPrefix() : settings.passagePrefix();
        List<float[]> vectors = new ArrayList<>(texts.size());
        for (int start = 0; start < texts.size(); start += settings.batchSize()) {
            List<String> batch = texts.subList(start, Math.min(start + settings.batchSize(), texts.size())).stream()
                    .map(text -> prefix + text)
                    .toList();
            for (float[] vector : request(batch)) {
                if (vector.length != dimension) {
                    throw new IllegalStateException(
                            "embedding endpoint %s returned a %d-dimension vector for model %s, which gave %d before; the endpoint changed models"
                                    .formatted(endpoint, vector.length, settings.model(), dimension));
                }
                vectors.add(vector);
            }
        }
        return List.copyOf(vectors);
    }

    @Override
    public void close() {
        http.close();
    }

    private List<float[]> request(List<String> inputs) {
        ObjectNode body = Json.mapper().createObjectNode().put("model", settings.model());
        ArrayNode input = body.putArray("input");
        inputs.forEach(input::add);
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        settings.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));

        HttpResponse<String> response;
        try {
            response = Failsafe.with(retry).get(() -> http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (FailsafeException e) {
            throw new EmbeddingUnavailableException(
                    "embedding endpoint %s cannot be reached after %d attempts: %s"
                            .formatted(endpoint, settings.maxRetries() + 1, e.getCause()),
                    e.getCause());
        }
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new EmbeddingUnavailableException(
                    "embedding endpoint %s still answers %d after %d attempts: %s"
                            .formatted(endpoint, status, settings.maxRetries() + 1, excerpt(response.body())),
                    null);
        }
        if (status != 200) {
            throw new EmbeddingRequestException(
                    "embedding endpoint %s refused a batch of %d texts for model %s with %d: %s%s"
                            .formatted(
                                    endpoint,
                                    inputs.size(),
                                    settings.model(),
                                    status,
                                    excerpt(response.body()),
                                    status == 401 || status == 403 ? "; check the API key" : ""),
                    status);
        }
        return parse(response.body(), inputs.size());
    }

    private List<float[]> parse(String body, int expected) {
        JsonNode data;
        try {
            data = Json.mapper().readTree(body).path("data");
        } catch (IOException e) {
            throw new IllegalStateException(
                    "embedding endpoint " + endpoint + " answered 200 with invalid JSON: " + excerpt(body), e);
        }
        if (!data.isArray() || data.size() != expected) {
            throw new IllegalStateException("embedding endpoint %s answered %d vectors for %d texts: %s"
                    .formatted(endpoint, data.size(), expected, excerpt(body)));
        }
        float[][] vectors = new float[expected][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            JsonNode values = item.path("embedding");
            if (index < 0 || index >= expected || !values.isArray()) {
                throw new IllegalStateException("embedding endpoint " + endpoint + " answered an item without a valid"
                        + " index and embedding: " + excerpt(item.toString()));
            }
            float[] vector = new float[values.size()];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) values.get(d).asDouble();
            }
            vectors[index] = Vectors.normalise(vector);
        }
        return List.of(vectors);
    }

    private static String excerpt(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
