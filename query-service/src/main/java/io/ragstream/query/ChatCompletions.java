package io.ragstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An OpenAI-compatible {@code /chat/completions} endpoint (OpenAI, vLLM, Ollama, llama.cpp, LiteLLM, ...), always
 * called with {@code "stream": true} so the answer can be passed on as it is written.
 */
final class ChatCompletions {

    /** One message of the conversation. */
    record Message(String role, String content) {}

    private final HttpClient http;
    private final QueryConfig.Answer settings;
    private final URI uri;

    ChatCompletions(QueryConfig.Answer settings) {
        this.settings = settings;
        String base = settings.endpoint().orElseThrow().replaceAll("/+$", "");
        this.uri = URI.create(base + "/chat/completions");
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(settings.timeoutSeconds()))
                .build();
    }

    /** Sends the conversation; throws {@link UpstreamException} unless the endpoint starts a stream. */
    Completion open(List<Message> messages) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("model", settings.model());
        body.put("stream", true);
        body.put("max_tokens", settings.maxAnswerTokens());
        body.set("messages", Json.mapper().valueToTree(messages));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(settings.timeoutSeconds()))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        settings.apiKey().ifPresent(key -> request.header("Authorization", "Bearer " + key));
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UpstreamException("the chat endpoint " + uri + " cannot be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("interrupted while calling the chat endpoint");
        }
        if (response.statusCode() != 200) {
            String detail;
            try (Stream<String> lines = response.body()) {
                detail = lines.limit(20).collect(Collectors.joining(" "));
            }
            throw new UpstreamException("the chat endpoint answered HTTP %d: %s"
                    .formatted(response.statusCode(), detail.length() > 500 ? detail.substring(0, 500) : detail));
        }
        return new Completion(response.body());
    }

    /** A started answer, read as server-sent events of {@code chat.completion.chunk} objects. */
    static final class Completion implements AutoCloseable {
        private final Stream<String> lines;

        private Completion(Stream<String> lines) {
            this.lines = lines;
        }

        /** Passes every piece of text to {@code onText} as it arrives; returns the finish reason. */
        Optional<String> forEachText(Consumer<String> onText) {
            Optional<String> finish = Optional.empty();
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (!line.startsWith("data:")) {
                    continue; // blank separators, comments and event names
                }
                String data = line.substring("data:".length()).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode chunk;
                try {
                    chunk = Json.mapper().readTree(data);
                } catch (IOException e) {
                    throw new UpstreamException("the chat endpoint sent an event that is not JSON: " + e.getMessage());
                }
                if (chunk.has("error")) {
                    throw new UpstreamException("the chat endpoint failed mid-answer: " + chunk.get("error"));
                }
                for (JsonNode choice : chunk.path("choices")) {
                    String text = choice.path("delta").path("content").asText("");
                    if (!text.isEmpty()) {
                        onText.accept(text);
                    }
                    if (choice.hasNonNull("finish_reason")) {
                        finish = Optional.of(choice.get("finish_reason").asText());
                    }
                }
            }
            return finish;
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    /** The chat endpoint failed or answered something that is not a chat completion stream. */
    static final class UpstreamException extends RuntimeException {
        UpstreamException(String message) {
            super(message);
        }
    }
}
