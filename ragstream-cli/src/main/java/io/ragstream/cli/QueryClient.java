package io.ragstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/** The few calls the commands make to the query API. */
final class QueryClient {

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;
    private final String apiKey;

    QueryClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
    }

    JsonNode search(String question, int topK) throws IOException, InterruptedException {
        return post("/v1/search", Map.of("query", question, "topK", topK));
    }

    /** A search in {@code mode} ({@code dense} or {@code hybrid}) among the documents of the given sources. */
    JsonNode search(String question, int topK, String mode, List<String> sources)
            throws IOException, InterruptedException {
        return post(
                "/v1/search",
                Map.of("query", question, "topK", topK, "mode", mode, "filter", Map.of("sources", sources)));
    }

    JsonNode context(String question, int topK, int maxTokens) throws IOException, InterruptedException {
        return post("/v1/context", Map.of("query", question, "topK", topK, "maxTokens", maxTokens));
    }

    private JsonNode post(String path, Map<String, Object> body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IllegalStateException(
                    "the query API does not answer at " + baseUrl + "; is `ragstream up` running?");
        }
        JsonNode answer = Json.mapper().readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the query API answered " + response.statusCode() + ": "
                    + answer.path("error").path("message").asText(response.body()));
        }
        return answer;
    }
}
