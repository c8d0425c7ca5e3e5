package io.ragstream.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/** A client of the upload API as a caller outside ragstream writes one: plain HTTP, JSON or multipart, an API key. */
final class UploadClient {

    /** The answer: a document published (its docId and version), or the documented error shape. */
    record Response(int status, JsonNode body) {
        boolean published() {
            return status / 100 == 2;
        }

        String docId() {
            return body.path("docId").asText();
        }

        String version() {
            return body.path("version").asText();
        }

        /** {@code HTTP 413 <the error's message>}. */
        String refusal() {
            return "HTTP " + status + " " + body.path("error").path("message").asText(body.toString());
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;
    private final String apiKey;

    UploadClient(int port, String apiKey) {
        this.base = URI.create("http://localhost:" + port);
        this.apiKey = apiKey;
    }

    /** {@code PUT /v1/documents/{id}} with a JSON body. */
    Response put(String id, ObjectNode document) throws IOException, InterruptedException {
        return send(request("/v1/documents/" + id)
                .header("Content-Type", "application/json")
                .PUT(BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(document))));
    }

    /** {@code POST /v1/documents} with a JSON body, which then names the document's id. */
    Response post(ObjectNode document) throws IOException, InterruptedException {
        return send(request("/v1/documents")
                .header("Content-Type", "application/json")
                .POST(BodyPublishers.ofByteArray(Json.mapper().writeValueAsBytes(document))));
    }

    /**
     * {@code POST /v1/documents} of a file as multipart, streamed from disk with its Content-Length and
     * {@code Expect: 100-continue}, so a server that refuses it from its headers never receives the body.
     */
    Response postFile(String id, Path file, String contentType) throws IOException, InterruptedException {
        String boundary = "ragstream-" + UUID.randomUUID();
        String head =
                "--%s\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\n%s\r\n--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                        .formatted(boundary, id, boundary, file.getFileName(), contentType);
        String tail = "\r\n--" + boundary + "--\r\n";
        return send(request("/v1/documents")
                .expectContinue(true)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.concat(
                        BodyPublishers.ofByteArray(head.getBytes(StandardCharsets.UTF_8)),
                        BodyPublishers.ofFile(file),
                        BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.UTF_8)))));
    }

    /** {@code DELETE /v1/documents/{id}}. */
    Response delete(String id) throws IOException, InterruptedException {
        return send(request("/v1/documents/" + id).DELETE());
    }

    /** {@code GET /v1/documents/{id}/status}. */
    Response status(String id) throws IOException, InterruptedException {
        return send(request("/v1/documents/" + id + "/status").GET());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).header("Authorization", "Bearer " + apiKey);
    }

    private Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body;
        try {
            body = Json.mapper().readTree(response.body());
        } catch (IOException notJson) {
            body = MissingNode.getInstance();
        }
        return new Response(response.statusCode(), body == null ? MissingNode.getInstance() : body);
    }
}
