package io.ragstream.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for an OpenAI-compatible embedding server, named as such: it answers {@code POST /v1/embeddings} with a
 * deterministic vector per text (from its sha256) at no CPU cost, so that a test with many service instances measures
 * the pipeline, not the model. It can be told to stall the next batch, as a slow endpoint would.
 */
final class EmbeddingStandIn implements AutoCloseable {

    static final String MODEL = "stand-in-hash-32";
    private static final int DIMENSION = 32;

    private final HttpServer server;
    private final AtomicLong stallNextMillis = new AtomicLong();
    private final AtomicInteger stalls = new AtomicInteger();

    private EmbeddingStandIn(HttpServer server) {
        this.server = server;
    }

    static EmbeddingStandIn start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        EmbeddingStandIn standIn = new EmbeddingStandIn(server);
        server.createContext("/v1/embeddings", standIn::answer);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        return standIn;
    }

    /** The base URL to give the embedder ({@code endpoint.base-url}). */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** The next batch asked for (not a one-text dimension probe) is answered only after {@code stall}. */
    void stallNextBatch(Duration stall) {
        stallNextMillis.set(stall.toMillis());
    }

    int stalls() {
        return stalls.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = Json.mapper().readTree(exchange.getRequestBody());
            JsonNode input = request.path("input");
            if (input.size() > 1) {
                long stall = stallNextMillis.getAndSet(0);
                if (stall > 0) {
                    stalls.incrementAndGet();
                    Thread.sleep(stall);
                }
            }
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("object", "list");
            body.put("model", MODEL);
            ArrayNode data = body.putArray("data");
            for (int i = 0; i < input.size(); i++) {
                ObjectNode item = data.addObject();
                item.put("object", "embedding");
                item.put("index", i);
                ArrayNode vector = item.putArray("embedding");
                for (float value : vector(input.get(i).asText())) {
                    vector.add(value);
                }
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A unit vector that only this text gets. */
    static float[] vector(String text) {
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        float[] vector = new float[DIMENSION];
        double norm = 0;
        for (int i = 0; i < DIMENSION; i++) {
            vector[i] = hash[i] / 128f + 0.01f;
            norm += vector[i] * vector[i];
        }
        for (int i = 0; i < DIMENSION; i++) {
            vector[i] /= (float) Math.sqrt(norm);
        }
        return vector;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
