package io.ragstream.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.ragstream.ingest.KafkaDocumentSink;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The upload API's body limits, its answers while Kafka is away, and its OpenAPI document, without a broker: the sink
 * points at an address where none listens, so a document that passes every check waits for Kafka in vain.
 */
@Timeout(60)
class UploadApiTest {

    private static final String KEY = "key-acme-0123456789";
    private static final long TWO_HUNDRED_MB = 200L << 20;
    /** Far below 200 MB, far above the limit and what the sockets' buffers take before the server stops reading. */
    private static final long READ_NO_FURTHER = 32L << 20;
    /** Records of at most 64 KiB hold (64 - 16) * 3/4 = 36 KiB of content, so the API reads no more of a body. */
    private static final int MAX_RECORD_BYTES = 64 * 1024;

    private static final long BODY_LIMIT = (MAX_RECORD_BYTES - 16 * 1024) * 3 / 4;

    private static KafkaDocumentSink sink;
    private static UploadApi api;
    private static UploadClient client;

    @BeforeAll
    static void start() {
        sink = new KafkaDocumentSink(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
                        ProducerConfig.MAX_BLOCK_MS_CONFIG, 500,
                        ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 5_000),
                "ragstream.docs.raw",
                MAX_RECORD_BYTES);
        api = UploadApi.start(UploadConfig.defaults().withHttpPort(0).withKeys("acme:" + KEY), sink, Optional.empty());
        client = new UploadClient(api.port(), KEY);
    }

    @AfterAll
    static void stop() {
        api.close();
        sink.close();
    }

    @Test
    void twoHundredMegabytesWithAContentLengthAreRefusedBeforeTheyAreRead() throws Exception {
        AtomicLong sent = new AtomicLong();
        // A client sending a large body asks first (Expect: 100-continue), as curl does: the refusal then comes before
        // any of the body is sent. Without it, the server's close can reset the connection while the client writes,
        // and the client may lose the 413.
        HttpRequest request = client.request("/v1/documents")
                .header("Content-Type", "application/json")
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> Generator.jsonText(TWO_HUNDRED_MB, sent)),
                        TWO_HUNDRED_MB))
                .build();

        HttpResponse<String> response = client.http().send(request, HttpResponse.BodyHandlers.ofString());

        assertRefused(response, 413, "payload_too_large", "the request body is 209,715,200 bytes, above 36,864 bytes");
        assertThat(UploadClient.json(response).get("error").get("message").asText())
                .contains("upload.max-body-bytes=33,554,432");
        assertThat(sent.get()).as("bytes the client got to send").isLessThan(READ_NO_FURTHER);
    }

    @Test
    void twoHundredMegabytesChunkedAreReadNoFurtherThanTheLimit() throws Exception {
        AtomicLong sent = new AtomicLong();
        HttpRequest request = client.request("/v1/documents")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> Generator.jsonText(TWO_HUNDRED_MB, sent)))
                .build();

        sendOversized(request)
                .ifPresent(response -> assertRefused(
                        response, 413, "payload_too_large", "goes on past 36,864 bytes, where reading stopped"));
        assertThat(sent.get()).as("bytes the client got to send").isLessThan(READ_NO_FURTHER);
    }

    @Test
    void twoHundredMegabyteFileInAChunkedFormIsRefusedOnceTheLimitIsRead() throws Exception {
        AtomicLong sent = new AtomicLong();
        String boundary = "ragstream-limit-test";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
                        + "Content-Type: text/plain\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpRequest request = client.request("/v1/documents")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new Generator(head, TWO_HUNDRED_MB, sent)))
                .build();

        sendOversized(request)
                .ifPresent(response ->
                        assertRefused(response, 413, "payload_too_large", "where reading stopped, above 36,864 bytes"));
        assertThat(sent.get()).as("bytes the client got to send").isLessThan(READ_NO_FURTHER);
    }

    @Test
    void documentLargerThanOneRecordIsRefusedNamingTheTopicLimit() {
        // Within the body limit, but as base64 beside 8 KB of metadata it no longer fits in one record.
        byte[] pdf = new byte[(int) BODY_LIMIT - 100];
        pdf[0] = '%';
        String metadata = "{\"a\":\"" + "x".repeat(4_000) + "\",\"b\":\"" + "y".repeat(4_000) + "\"}";

        HttpResponse<String> response = client.postForm(new UploadClient.Form()
                .file("file", "big.pdf", "application/pdf", pdf)
                .field("metadata", metadata));

        assertRefused(response, 413, "payload_too_large", "topic max.message.bytes");
    }

    @Test
    void documentKafkaDoesNotAcknowledgeIsRefusedWith503AndRetryAfter() {
        HttpResponse<String> upload = client.putJson("notes.txt", Map.of("contentType", "text/plain", "text", "hello"));
        HttpResponse<String> delete = client.delete("notes.txt");

        for (HttpResponse<String> response : List.of(upload, delete)) {
            assertRefused(response, 503, "unavailable", "Kafka did not acknowledge");
            assertThat(response.headers().firstValue("Retry-After")).contains("5");
        }
    }

    @Test
    void statusIsOffWithoutAStatusView() {
        assertRefused(
                client.get("/v1/documents/notes.txt/status"),
                503,
                "unavailable",
                "status is off: kafka is not configured");
    }

    @Test
    void openApiDocumentIsServedAndEveryReferenceResolves() throws Exception {
        HttpResponse<String> response = client.withKey(null).get("/openapi.yaml");
        JsonNode document = new YAMLMapper().readTree(response.body());

        assertThat(response.statusCode()).isEqualTo(200);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body());
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(document.get("openapi").asText()).startsWith("3.0.");
        assertThat(document.get("paths").properties().stream().map(Map.Entry::getKey))
                .contains("/v1/documents", "/v1/documents/{id}", "/v1/documents/{id}/status", "/health/ready");
        for (String ref : references(document, new ArrayList<>())) {
            assertThat(ref).startsWith("#/");
            assertThat(document.at(ref.substring(1)).isMissingNode())
                    .as("%s resolves", ref)
                    .isFalse();
        }
        JsonNode post = document.at("/paths/~1v1~1documents/post/responses");
        assertThat(post.properties().stream().map(Map.Entry::getKey))
                .containsExactlyInAnyOrder("201", "400", "401", "413", "415", "503", "500");
    }

    @Test
    void healthAndMetricsAnswerWithoutAKey() {
        UploadClient anonymous = client.withKey(null);
        client.get("/v1/documents/x/status");

        assertThat(anonymous.get("/health/live").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/health/ready").statusCode()).isEqualTo(200);
        assertThat(anonymous.get("/metrics").body())
                .contains("ragstream_http_requests_seconds_count{route=\"/v1/documents/<id>/status\",status=\"503\"}")
                .contains("ragstream_upload_documents_published_total 0.0");
    }

    private static List<String> references(JsonNode node, List<String> found) {
        if (node.isObject() && node.has("$ref")) {
            found.add(node.get("$ref").asText());
        }
        node.forEach(child -> references(child, found));
        return found;
    }

    /**
     * Sends a chunked body the API stops reading at its limit. Over HTTP/1.1 the server then closes a connection the
     * client is still writing to, and the reset can reach the client before the 413 does (RFC 9112, section 9.6): the
     * refusal is proven by the API's count of it either way. Empty when the client lost the response to the reset.
     */
    private static Optional<HttpResponse<String>> sendOversized(HttpRequest request) throws Exception {
        double before = refusedCount("payload_too_large");
        Optional<HttpResponse<String>> response;
        try {
            response = Optional.of(client.http().send(request, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException lostToTheReset) {
            response = Optional.empty();
        }
        assertThat(refusedCount("payload_too_large"))
                .as("requests the API refused as too large")
                .isEqualTo(before + 1);
        return response;
    }

    private static double refusedCount(String reason) {
        String series = "ragstream_upload_refused_total{reason=\"" + reason + "\"} ";
        return client.withKey(null)
                .get("/metrics")
                .body()
                .lines()
                .filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length())))
                .findFirst()
                .orElse(0);
    }

    /**
     * Each upload holds its body several times over in memory: a few parallel 25 MB uploads ran the service out of
     * memory. Beyond {@code upload.max-concurrent-uploads}, an upload is answered 503 with Retry-After at once.
     */
    @Test
    @Timeout(60)
    void uploadsBeyondTheConcurrencyLimitAreAnswered503WithRetryAfter() throws Exception {
        UploadConfig config =
                UploadConfig.defaults().withHttpPort(0).withKeys("acme:" + KEY).withMaxConcurrentUploads(2);
        List<java.net.Socket> slow = new ArrayList<>();
        try (UploadApi limited = UploadApi.start(config, sink, Optional.empty())) {
            UploadClient limitedClient = new UploadClient(limited.port(), KEY);
            for (int i = 0; i < 2; i++) {
                slow.add(startSlowUpload(limited.port()));
            }
            HttpResponse<String> refused = org.awaitility.Awaitility.await("a third upload is refused")
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(
                            () -> limitedClient.postJson(
                                    Map.of("id", "third", "contentType", "text/plain", "text", "the third upload")),
                            response -> response.statusCode() == 503
                                    && UploadClient.json(response)
                                            .get("error")
                                            .get("code")
                                            .asText()
                                            .equals("busy"));

            assertRefused(refused, 503, "busy", "upload.max-concurrent-uploads=2");
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");

            for (java.net.Socket socket : slow) {
                socket.close();
            }
            slow.clear();
            org.awaitility.Awaitility.await("uploads are taken again once the slow ones are gone")
                    .atMost(java.time.Duration.ofSeconds(20))
                    .until(() -> !UploadClient.json(limitedClient.postJson(
                                    Map.of("id", "fourth", "contentType", "text/plain", "text", "the fourth upload")))
                            .get("error")
                            .get("code")
                            .asText()
                            .equals("busy"));
        } finally {
            for (java.net.Socket socket : slow) {
                socket.close();
            }
        }
    }

    /**
     * An upload whose client sends the headers and a little of the body (within the test's small body limit), then
     * nothing: it stays in progress.
     */
    private static java.net.Socket startSlowUpload(int port) throws IOException {
        java.net.Socket socket = new java.net.Socket("127.0.0.1", port);
        String head = "POST /v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{\"text\":\"";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    static void assertRefused(HttpResponse<String> response, int status, String code, String fragment) {
        JsonNode error = UploadClient.json(response).get("error");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(error.get("code").asText()).isEqualTo(code);
        assertThat(error.get("message").asText()).contains(fragment);
    }

    /** A request body of {@code size} bytes, made up as it is read: a head, then as many {@code a} as it takes. */
    static final class Generator extends InputStream {
        private final byte[] head;
        private final long size;
        private final AtomicLong position;

        Generator(byte[] head, long size, AtomicLong position) {
            this.head = head;
            this.size = size;
            this.position = position;
        }

        /** The start of a JSON upload whose text never ends within the body. */
        static Generator jsonText(long size, AtomicLong position) {
            return new Generator(
                    "{\"contentType\":\"text/plain\",\"text\":\"".getBytes(StandardCharsets.UTF_8), size, position);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            long at = position.get();
            if (at >= size) {
                return -1;
            }
            int n = (int) Math.min(length, size - at);
            for (int i = 0; i < n; i++) {
                long p = at + i;
                buffer[offset + i] = p < head.length ? head[(int) p] : (byte) 'a';
            }
            position.addAndGet(n);
            return n;
        }
    }
}
