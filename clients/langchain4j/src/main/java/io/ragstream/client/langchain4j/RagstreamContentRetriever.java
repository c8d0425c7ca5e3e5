package io.ragstream.client.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A LangChain4j {@link ContentRetriever} that asks ragstream's {@code /v1/search}: each hit becomes a {@link Content}
 * whose metadata carries its provenance (doc id, chunk id, title, URI, version) for citations.
 */
public final class RagstreamContentRetriever implements ContentRetriever {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI search;
    private final String apiKey;
    private final int topK;
    private final String mode;
    private final Duration timeout;
    private final HttpClient http;

    private RagstreamContentRetriever(Builder builder) {
        String base = Objects.requireNonNull(builder.baseUrl, "baseUrl").replaceAll("/+$", "");
        this.search = URI.create(base + "/v1/search");
        this.apiKey = Objects.requireNonNull(builder.apiKey, "apiKey");
        this.topK = builder.topK;
        this.mode = builder.mode;
        this.timeout = builder.timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Content> retrieve(Query query) {
        ObjectNode body = JSON.createObjectNode().put("query", query.text()).put("topK", topK);
        if (mode != null) {
            body.put("mode", mode);
        }
        HttpResponse<String> response;
        try {
            response = http.send(
                    HttpRequest.newBuilder(search)
                            .timeout(timeout)
                            .header("Authorization", "Bearer " + apiKey)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RagstreamException(0, "unreachable", "cannot reach " + search + ": " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RagstreamException(0, "interrupted", "interrupted while calling " + search, null);
        }
        JsonNode answer = parse(response);
        List<Content> contents = new ArrayList<>();
        for (JsonNode hit : answer.path("hits")) {
            Metadata metadata = new Metadata()
                    .put("doc_id", hit.path("docId").asText())
                    .put("chunk_id", hit.path("chunkId").asText())
                    .put("uri", hit.path("uri").asText())
                    .put("version", hit.path("version").asText())
                    .put("ordinal", hit.path("ordinal").asInt());
            if (hit.hasNonNull("title")) {
                metadata.put("title", hit.get("title").asText());
            }
            contents.add(Content.from(
                    TextSegment.from(hit.path("text").asText(), metadata),
                    Map.of(
                            ContentMetadata.SCORE, hit.path("score").asDouble(),
                            ContentMetadata.EMBEDDING_ID, hit.path("chunkId").asText())));
        }
        return contents;
    }

    private JsonNode parse(HttpResponse<String> response) {
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new RagstreamException(response.statusCode(), "http", response.body(), null);
        }
        if (response.statusCode() != 200) {
            JsonNode error = answer.path("error");
            throw new RagstreamException(
                    response.statusCode(),
                    error.path("code").asText("http"),
                    error.path("message").asText(response.body()),
                    error.hasNonNull("field") ? error.get("field").asText() : null);
        }
        return answer;
    }

    /** Where ragstream answers and how much to ask for. */
    public static final class Builder {
        private String baseUrl;
        private String apiKey;
        private int topK = 5;
        private String mode;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {}

        /** The query service, e.g. {@code http://ragstream-query:8080}. */
        public Builder baseUrl(String value) {
            this.baseUrl = value;
            return this;
        }

        /** The API key; it decides the tenant searched. */
        public Builder apiKey(String value) {
            this.apiKey = value;
            return this;
        }

        public Builder topK(int value) {
            this.topK = value;
            return this;
        }

        /** {@code dense} or {@code hybrid}; the service's default when not set. */
        public Builder mode(String value) {
            this.mode = value;
            return this;
        }

        public Builder timeout(Duration value) {
            this.timeout = value;
            return this;
        }

        public RagstreamContentRetriever build() {
            return new RagstreamContentRetriever(this);
        }
    }
}
