package io.ragstream.ingest.upload;

import static io.ragstream.ingest.upload.UploadApiTest.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.model.ContentEncoding;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.status.StatusView;
import io.ragstream.testkit.KafkaFixture;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The upload API on a real broker: what lands on docs.raw, the status it reads back, and every refusal. */
@Timeout(120)
class UploadApiIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final String ACME = "key-acme-0123456789";
    private static final String GLOBEX = "key-globex-9876543210";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static String rawTopic;
    private static String statusTopic;
    private static KafkaDocumentSink sink;
    private static StatusView statuses;
    private static UploadApi api;
    private static UploadClient acme;
    private static TopicReader topic;

    @BeforeAll
    static void start() {
        rawTopic = kafka.uniqueName(Topics.DOCS_RAW);
        statusTopic = kafka.uniqueName(Topics.STATUS);
        kafka.createTopics(
                new NewTopic(rawTopic, 1, (short) 1).configs(Topics.DOCS_RAW_SPEC.configs()),
                new NewTopic(statusTopic, 1, (short) 1).configs(Topics.STATUS_SPEC.configs()));
        sink = new KafkaDocumentSink(kafka.producerConfig(), rawTopic, Topics.MAX_MESSAGE_BYTES);
        statuses = StatusView.start(kafka.consumerConfig("upload-it"), statusTopic);
        api = UploadApi.start(
                UploadConfig.defaults().withHttpPort(0).withKeys("acme:" + ACME + ",globex:" + GLOBEX),
                sink,
                Optional.of(statuses));
        acme = new UploadClient(api.port(), ACME);
        topic = new TopicReader(rawTopic);
    }

    @AfterAll
    static void stop() {
        api.close();
        statuses.close();
        sink.close();
        topic.close();
    }

    @Test
    void jsonTextUploadPublishesTheDocumentUnderTheTenantOfTheKey() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", "guides/intro.md");
        body.put("title", "Intro");
        body.put("contentType", "text/markdown");
        body.put("text", "# Intro\n\nragstream keeps a knowledge base fresh.\n");
        body.put("metadata", Map.of("lang", "en"));
        body.put("tags", List.of("guide", "intro", "guide"));

        HttpResponse<String> response = acme.postJson(body);

        JsonNode answer = UploadClient.json(response);
        String docId = Ids.docId("acme", "upload", "guides/intro.md");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(answer.get("id").asText()).isEqualTo("guides/intro.md");
        assertThat(answer.get("docId").asText()).isEqualTo(docId);
        assertThat(answer.get("version").asText())
                .isEqualTo(Ids.contentHash("# Intro\n\nragstream keeps a knowledge base fresh.\n"));
        assertThat(answer.get("statusUrl").asText()).isEqualTo("/v1/documents/guides/intro.md/status");
        RawDocument published = topic.awaitLatest(docId).orElseThrow();
        RawDocument expected = RawDocument.builder()
                .tenant("acme")
                .source("upload")
                .uri("guides/intro.md")
                .title("Intro")
                .text("text/markdown", "# Intro\n\nragstream keeps a knowledge base fresh.\n")
                .metadata(Map.of("lang", "en"))
                .tags(List.of("guide", "intro"))
                .fetchedAt(published.fetchedAt())
                .build();
        assertThat(published).isEqualTo(expected);
        assertThat(published.contentHash()).isEqualTo(answer.get("version").asText());
    }

    @Test
    void sameIdUnderAnotherKeyIsAnotherTenantsDocument() {
        Map<String, String> body = Map.of("id", "shared.txt", "contentType", "text/plain", "text", "same words");

        JsonNode ofAcme = UploadClient.json(acme.postJson(body));
        JsonNode ofGlobex = UploadClient.json(acme.withKey(GLOBEX).postJson(body));

        assertThat(ofGlobex.get("docId").asText())
                .isEqualTo(Ids.docId("globex", "upload", "shared.txt"))
                .isNotEqualTo(ofAcme.get("docId").asText());
        assertThat(topic.awaitLatest(ofGlobex.get("docId").asText())
                        .orElseThrow()
                        .tenant())
                .isEqualTo("globex");
    }

    @Test
    void multipartPdfIsPublishedAsBase64UnderItsFileName() {
        byte[] pdf = "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj <<>> endobj\n".getBytes(StandardCharsets.ISO_8859_1);
        pdf[pdf.length - 1] = (byte) 0xff;

        HttpResponse<String> response = acme.postForm(new UploadClient.Form()
                .file("file", "reports/q3.pdf", "application/pdf", pdf)
                .field("title", "Q3 report")
                .field("metadata", "{\"dept\":\"finance\"}")
                .field("tags", "report, q3"));

        JsonNode answer = UploadClient.json(response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(answer.get("id").asText()).isEqualTo("q3.pdf");
        RawDocument published = topic.awaitLatest(answer.get("docId").asText()).orElseThrow();
        assertThat(published.docId()).isEqualTo(Ids.docId("acme", "upload", "q3.pdf"));
        assertThat(published.contentType()).isEqualTo("application/pdf");
        assertThat(published.contentEncoding()).isEqualTo(ContentEncoding.BASE64);
        assertThat(published.content()).isEqualTo(Base64.getEncoder().encodeToString(pdf));
        assertThat(published.contentHash())
                .isEqualTo(Ids.contentHash(pdf))
                .isEqualTo(answer.get("version").asText());
        assertThat(published.title()).contains("Q3 report");
        assertThat(published.metadata()).isEqualTo(Map.of("dept", "finance"));
        assertThat(published.tags()).containsExactly("report", "q3");
    }

    @Test
    void multipartFileWithoutATypeIsTypedByItsNameAndTravelsAsText() {
        HttpResponse<String> response = acme.postForm(new UploadClient.Form()
                .field("id", "notes/readme")
                .file("file", "README.md", "application/octet-stream", "# Read me\n".getBytes(StandardCharsets.UTF_8)));

        RawDocument published = topic.awaitLatest(
                        UploadClient.json(response).get("docId").asText())
                .orElseThrow();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(published.docId()).isEqualTo(Ids.docId("acme", "upload", "notes/readme"));
        assertThat(published.contentType()).isEqualTo("text/markdown");
        assertThat(published.contentEncoding()).isEqualTo(ContentEncoding.TEXT);
        assertThat(published.content()).isEqualTo("# Read me\n");
    }

    @Test
    void chunkedJsonWithinTheLimitIsReadToItsEnd() throws Exception {
        byte[] body = UploadClient.json(
                Map.of("id", "chunked.txt", "contentType", "text/plain", "text", "z".repeat(100_000)));
        HttpRequest request = acme.request("/v1/documents")
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();

        HttpResponse<String> response = acme.http().send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(topic.awaitLatest(Ids.docId("acme", "upload", "chunked.txt"))
                        .orElseThrow()
                        .content())
                .hasSize(100_000);
    }

    @Test
    void apiKeyHeaderServesLikeABearerToken() {
        HttpResponse<String> response = acme.withKey(null)
                .send(acme.withKey(null)
                        .request("/v1/documents/never-uploaded/status")
                        .header("X-API-Key", GLOBEX)
                        .GET());

        assertRefused(response, 404, "not_found", "no status yet for id 'never-uploaded'");
        assertThat(UploadClient.json(response).at("/error/message").asText())
                .contains(Ids.docId("globex", "upload", "never-uploaded"));
    }

    @Test
    void putReplacesTheDocumentWithANewVersion() {
        JsonNode first =
                UploadClient.json(acme.putJson("faq", Map.of("contentType", "text/plain", "text", "first answer")));
        HttpResponse<String> second = acme.putJson("faq", Map.of("contentType", "text/plain", "text", "second answer"));

        JsonNode answer = UploadClient.json(second);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(answer.get("docId").asText()).isEqualTo(first.get("docId").asText());
        assertThat(answer.get("version").asText())
                .isEqualTo(Ids.contentHash("second answer"))
                .isNotEqualTo(first.get("version").asText());
        List<Optional<RawDocument>> versions =
                topic.awaitRecords(answer.get("docId").asText(), 2);
        assertThat(versions)
                .extracting(version -> version.orElseThrow().content())
                .containsExactly("first answer", "second answer");
    }

    @Test
    void deletePublishesATombstone() {
        String docId = UploadClient.json(
                        acme.putJson("old/page.html", Map.of("contentType", "text/html", "text", "<p>old</p>")))
                .get("docId")
                .asText();

        HttpResponse<String> response = acme.delete("old/page.html");

        JsonNode answer = UploadClient.json(response);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(answer.get("id").asText()).isEqualTo("old/page.html");
        assertThat(answer.get("docId").asText()).isEqualTo(docId);
        assertThat(answer.get("statusUrl").asText()).isEqualTo("/v1/documents/old/page.html/status");
        assertThat(answer.has("version")).isFalse();
        assertThat(topic.awaitRecords(docId, 2)).last().isEqualTo(Optional.empty());
    }

    @Test
    void statusShowsTheLatestStageAStageReported() throws Exception {
        JsonNode upload = UploadClient.json(
                acme.putJson("notes/status me.txt", Map.of("contentType", "text/plain", "text", "v1")));
        String docId = upload.get("docId").asText();
        String version = upload.get("version").asText();
        String statusUrl = upload.get("statusUrl").asText();
        assertThat(statusUrl).isEqualTo("/v1/documents/notes/status%20me.txt/status");
        assertRefused(acme.get(statusUrl), 404, "not_found", "no status yet for id 'notes/status me.txt'");

        try (var producer = statusProducer()) {
            producer.send(new ProducerRecord<>(
                            statusTopic, docId, DocumentStatus.chunked(docId, "acme", version, 1, 3)))
                    .get();
            JsonNode chunked = awaitStatus(statusUrl, "chunked");
            assertThat(chunked.get("id").asText()).isEqualTo("notes/status me.txt");
            assertThat(chunked.get("docId").asText()).isEqualTo(docId);
            assertThat(chunked.at("/status/version").asText()).isEqualTo(version);
            assertThat(chunked.at("/status/chunkCount").asInt()).isEqualTo(3);

            producer.send(new ProducerRecord<>(
                            statusTopic, docId, DocumentStatus.indexed(docId, "acme", version, 1, 3)))
                    .get();
            awaitStatus(statusUrl, "indexed");
        }
        assertRefused(acme.withKey(GLOBEX).get(statusUrl), 404, "not_found", "no status yet");
    }

    @Test
    void statusOfAnotherTenantOrOfNoTenantIsNeverShown() throws Exception {
        String foreign = Ids.docId("acme", "upload", "foreign.txt");
        String anonymous = Ids.docId("acme", "upload", "anonymous.txt");
        String own = Ids.docId("acme", "upload", "own.txt");
        try (var producer = statusProducer()) {
            producer.send(new ProducerRecord<>(
                    statusTopic, foreign, DocumentStatus.chunked(foreign, "globex", "a".repeat(64), 1, 1)));
            // A record too broken to name its tenant, published under acme's docId by some other producer.
            producer.send(new ProducerRecord<>(
                    statusTopic,
                    anonymous,
                    DocumentStatus.failed(
                            anonymous,
                            Optional.empty(),
                            Optional.empty(),
                            Optional.empty(),
                            "globex's broken record")));
            producer.send(new ProducerRecord<>(
                            statusTopic, own, DocumentStatus.chunked(own, "acme", "b".repeat(64), 1, 1)))
                    .get();
        }
        // One partition: once the later status is seen, the earlier one has been read too.
        awaitStatus("/v1/documents/own.txt/status", "chunked");

        assertRefused(acme.get("/v1/documents/foreign.txt/status"), 404, "not_found", "no status yet");
        assertRefused(acme.get("/v1/documents/anonymous.txt/status"), 404, "not_found", "no status yet");
    }

    @Test
    void healthAndMetricsAnswerWithoutAKey() {
        acme.putJson("counted.txt", Map.of("contentType", "text/plain", "text", "12345"));
        UploadClient anonymous = acme.withKey(null);

        assertThat(anonymous.get("/health/live").statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> anonymous.get("/health/ready").statusCode() == 200);
        assertThat(anonymous.get("/metrics").body())
                .contains("ragstream_http_requests_seconds_count{route=\"/v1/documents/<id>\",status=\"200\"}")
                .containsPattern("ragstream_upload_documents_published_total [1-9]")
                .containsPattern("ragstream_upload_accepted_bytes_total [1-9]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void everyRefusalAnswersWithItsStatusCodeAndMessage(
            String what,
            Supplier<HttpResponse<String>> request,
            int status,
            String code,
            String fragment,
            Optional<String> field) {
        HttpResponse<String> response = request.get();

        assertRefused(response, status, code, fragment);
        JsonNode error = UploadClient.json(response).get("error");
        assertThat(Optional.ofNullable(error.get("field")).map(JsonNode::asText))
                .isEqualTo(field);
    }

    static Stream<Arguments> refusals() {
        Map<String, Object> text = Map.of("id", "a.txt", "contentType", "text/plain", "text", "hello");
        return Stream.of(
                refusal(
                        "no API key",
                        () -> acme.withKey(null).postJson(text),
                        401,
                        "unauthorized",
                        "send an API key",
                        null),
                refusal(
                        "unknown API key",
                        () -> acme.withKey("not-a-key").postJson(text),
                        401,
                        "unauthorized",
                        "not known",
                        null),
                refusal(
                        "a tenant field",
                        () -> acme.postJson(with(text, "tenant", "globex")),
                        400,
                        "bad_request",
                        "unknown field 'tenant': the tenant is the API key's",
                        "tenant"),
                refusal(
                        "an unknown field",
                        () -> acme.postJson(with(text, "colour", "red")),
                        400,
                        "bad_request",
                        "unknown field 'colour'",
                        "colour"),
                refusal(
                        "JSON that is not JSON",
                        () -> acme.postJson("{\"contentType\": \"text/plain\", \"text\": "),
                        400,
                        "bad_request",
                        "not valid JSON",
                        null),
                refusal(
                        "a number for text",
                        () -> acme.postJson(with(without(text, "text"), "text", 42)),
                        400,
                        "bad_request",
                        "field 'text' must be a string",
                        "text"),
                refusal(
                        "both text and base64",
                        () -> acme.postJson(with(text, "base64", "aGVsbG8=")),
                        400,
                        "bad_request",
                        "not both",
                        "base64"),
                refusal(
                        "neither text nor base64",
                        () -> acme.postJson(without(text, "text")),
                        400,
                        "bad_request",
                        "no content",
                        "text"),
                refusal(
                        "base64 that is not base64",
                        () -> acme.postJson(with(without(text, "text"), "base64", "not base64!")),
                        400,
                        "bad_request",
                        "not valid base64",
                        "base64"),
                refusal(
                        "empty text",
                        () -> acme.postJson(with(without(text, "text"), "text", "")),
                        400,
                        "bad_request",
                        "text is empty",
                        "text"),
                refusal(
                        "no contentType",
                        () -> acme.postJson(without(text, "contentType")),
                        400,
                        "bad_request",
                        "contentType is missing",
                        "contentType"),
                refusal(
                        "no id and no uri",
                        () -> acme.postJson(without(text, "id")),
                        400,
                        "bad_request",
                        "the document has no id",
                        "id"),
                refusal(
                        "a body id that differs from the path",
                        () -> acme.putJson("b.txt", text),
                        400,
                        "bad_request",
                        "id 'a.txt' in the body differs from 'b.txt' in the path",
                        "id"),
                refusal(
                        "metadata over its limit",
                        () -> acme.postJson(with(
                                text,
                                "metadata",
                                Map.of(
                                        "a",
                                        "x".repeat(4_000),
                                        "b",
                                        "x".repeat(4_000),
                                        "c",
                                        "x".repeat(4_000),
                                        "d",
                                        "x".repeat(4_000),
                                        "e",
                                        "x".repeat(1_000)))),
                        400,
                        "bad_request",
                        "bytes as JSON, above upload.max-metadata-bytes=16,384",
                        "metadata"),
                refusal(
                        "too many tags",
                        () -> acme.postJson(with(
                                text,
                                "tags",
                                IntStream.range(0, 65).mapToObj(i -> "t" + i).toList())),
                        400,
                        "bad_request",
                        "65 tags, above upload.max-tags=64",
                        "tags"),
                refusal(
                        "a content type not allowed",
                        () -> acme.postJson(with(text, "contentType", "image/png")),
                        415,
                        "unsupported_media_type",
                        "content type image/png is not accepted; upload.allowed-content-types accepts text/plain",
                        "contentType"),
                refusal(
                        "a body neither JSON nor a form",
                        () -> acme.send(
                                "POST", "/v1/documents", "text/plain", "hello".getBytes(StandardCharsets.UTF_8)),
                        415,
                        "unsupported_media_type",
                        "send the document as application/json or multipart/form-data",
                        null),
                refusal(
                        "a form without a file",
                        () -> acme.postForm(new UploadClient.Form().field("id", "x")),
                        400,
                        "bad_request",
                        "no part file",
                        "file"),
                refusal(
                        "a form with a tenant field",
                        () -> acme.postForm(new UploadClient.Form()
                                .field("tenant", "globex")
                                .file("file", "a.txt", "text/plain", new byte[] {'a'})),
                        400,
                        "bad_request",
                        "unknown form field 'tenant'",
                        "tenant"),
                refusal(
                        "an empty file",
                        () -> acme.postForm(new UploadClient.Form().file("file", "a.txt", "text/plain", new byte[0])),
                        400,
                        "bad_request",
                        "file 'a.txt' is empty",
                        "file"),
                refusal(
                        "a file whose type cannot be told",
                        () -> acme.postForm(new UploadClient.Form().file("file", "blob.bin", null, new byte[] {1, 2})),
                        415,
                        "unsupported_media_type",
                        "cannot tell the content type of file 'blob.bin'",
                        "file"),
                refusal(
                        "form metadata that is not a JSON object",
                        () -> acme.postForm(new UploadClient.Form()
                                .field("metadata", "lang=en")
                                .file("file", "a.txt", "text/plain", new byte[] {'a'})),
                        400,
                        "bad_request",
                        "metadata is not a valid JSON object",
                        "metadata"),
                refusal(
                        "a body over the limit",
                        () -> acme.postJsonExpectingContinue(with(without(text, "text"), "text", "x".repeat(25 << 20))),
                        413,
                        "payload_too_large",
                        "the most one docs.raw record holds",
                        null),
                refusal(
                        "the status of an unknown id",
                        () -> acme.get("/v1/documents/never-uploaded/status"),
                        404,
                        "not_found",
                        "no status yet for id 'never-uploaded'",
                        null),
                refusal(
                        "an unknown route",
                        () -> acme.get("/v1/nothing-here"),
                        404,
                        "not_found",
                        "no route GET /v1/nothing-here",
                        null));
    }

    private static Arguments refusal(
            String what,
            Supplier<HttpResponse<String>> request,
            int status,
            String code,
            String fragment,
            String field) {
        return Arguments.of(what, request, status, code, fragment, Optional.ofNullable(field));
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(key, value);
        return copy;
    }

    private static Map<String, Object> without(Map<String, Object> body, String key) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.remove(key);
        return copy;
    }

    private static JsonNode awaitStatus(String statusUrl, String stage) {
        HttpResponse<String> response = await().atMost(WAIT)
                .until(
                        () -> acme.get(statusUrl),
                        status -> status.statusCode() == 200
                                && UploadClient.json(status)
                                        .at("/status/stage")
                                        .asText()
                                        .equals(stage));
        return UploadClient.json(response);
    }

    private static KafkaProducer<String, DocumentStatus> statusProducer() {
        return new KafkaProducer<>(
                kafka.producerConfig(), new StringSerializer(), new DocumentStatusSerde().serializer());
    }

    /** Reads the raw topic from its start, keeping every record by docId in order; empty is a tombstone. */
    private static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final RawDocumentSerde serde = new RawDocumentSerde();
        private final Map<String, List<Optional<RawDocument>>> records = new LinkedHashMap<>();

        TopicReader(String name) {
            consumer = new KafkaConsumer<>(
                    kafka.consumerConfig(kafka.uniqueName("upload-it")),
                    new StringDeserializer(),
                    new ByteArrayDeserializer());
            consumer.assign(List.of(new TopicPartition(name, 0)));
            consumer.seekToBeginning(consumer.assignment());
        }

        /** The records of one document, once there are at least this many. */
        synchronized List<Optional<RawDocument>> awaitRecords(String docId, int count) {
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.computeIfAbsent(record.key(), key -> new ArrayList<>())
                            .add(Optional.ofNullable(serde.deserialize(record.topic(), record.value())));
                }
                return records.getOrDefault(docId, List.of()).size() >= count;
            });
            return List.copyOf(records.get(docId));
        }

        Optional<RawDocument> awaitLatest(String docId) {
            return awaitRecords(docId, 1).getLast();
        }

        @Override
        public synchronized void close() {
            consumer.close();
        }
    }
}
