package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.model.Topics;
import io.ragstream.testkit.KafkaFixture;
import io.ragstream.testkit.MilvusFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A security review reads the logs first. Every service is started as it runs in a container, with API keys, a Milvus
 * token and an OpenAI key in its environment; then a document is uploaded and searched, requests with wrong keys, bad
 * bodies and an answer whose endpoint fails are made, and {@code /metrics} and {@code /health} are read. No secret value
 * may appear in anything the services logged or answered.
 */
class SecretAuditIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private static final String QUERY_KEY = "qk_live_7Hc2Lw9Qp4Xz1Rb6";
    private static final String UPLOAD_KEY = "uk_live_3Mf8Tn5Vy2Ka9Jd4";
    /** Given by its sha256 only: the service never sees it, the client does. */
    private static final String HASHED_KEY = "hk_live_5Wd1Zq8Ne3Gu7Yc2";

    private static final String OPENAI_KEY = "sk-proj-Q7w3E9r1T5y8U2i6O4p0";
    private static final String MILVUS_TOKEN = "root:Mv-Tok-4821-9375";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void noServiceLogsOrAnswersASecret() throws Exception {
        Path logs = Harness.logs("secret-audit");
        kafka.createTopics(Topics.newTopics(1, (short) 1));
        String collection = milvus.uniqueCollection("audit");
        Map<String, String> common = Harness.common(kafka.bootstrapServers());
        common.put("RAGSTREAM_STORE_MILVUS_TOKEN", MILVUS_TOKEN);
        int uploadPort = Harness.freePort();
        int queryPort = Harness.freePort();
        String hashed = sha256(HASHED_KEY);

        Map<String, String> ingestEnv = new HashMap<>(common);
        ingestEnv.put("RAGSTREAM_UPLOAD_AUTH_KEYS", "acme:" + UPLOAD_KEY);
        ingestEnv.put("RAGSTREAM_UPLOAD_HTTP_PORT", Integer.toString(uploadPort));
        ingestEnv.put("RAGSTREAM_STATE_DIRECTORY", dir.resolve("ingest-state").toString());
        Map<String, String> queryEnv = new HashMap<>(common);
        queryEnv.put("RAGSTREAM_AUTH_KEYS", "acme:" + QUERY_KEY + ",globex:sha256:" + hashed);
        queryEnv.put("RAGSTREAM_HTTP_PORT", Integer.toString(queryPort));
        queryEnv.put("RAGSTREAM_COLLECTION", collection);
        queryEnv.put("RAGSTREAM_STORE_KIND", "milvus");
        queryEnv.put("RAGSTREAM_STORE_MILVUS_URI", milvus.uri());
        // An answer endpoint that fails: its error must not carry the key either.
        queryEnv.put("RAGSTREAM_ANSWER_ENDPOINT", "http://127.0.0.1:" + Harness.freePort() + "/v1");
        queryEnv.put("RAGSTREAM_ANSWER_API_KEY", OPENAI_KEY);

        List<String> answers = new ArrayList<>();
        try (ChildService ingest = new ChildService(
                        "ingest", "io.ragstream.ingest.IngestMain", ingestEnv, logs.resolve("ingest.log"));
                ChildService chunker = Harness.chunker(common, dir, logs);
                ChildService embedder = Harness.embedder(
                        "embedder",
                        common,
                        logs,
                        milvus.uri(),
                        collection,
                        Map.of("RAGSTREAM_ENDPOINT_API_KEY", OPENAI_KEY));
                ChildService query = new ChildService(
                        "query", "io.ragstream.query.QueryMain", queryEnv, logs.resolve("query.log"))) {
            for (ChildService service : List.of(ingest, chunker, embedder, query)) {
                service.start();
            }
            String upload = "http://127.0.0.1:" + uploadPort;
            String api = "http://127.0.0.1:" + queryPort;
            await("the upload API answers")
                    .atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .until(() -> get(upload + "/health/live", UPLOAD_KEY).statusCode() == 200);
            await("the query API answers")
                    .atMost(Duration.ofMinutes(2))
                    .ignoreExceptions()
                    .until(() -> get(api + "/health/live", QUERY_KEY).statusCode() == 200);

            HttpResponse<String> uploaded = send(
                    upload + "/v1/documents/runbook",
                    "PUT",
                    UPLOAD_KEY,
                    "{\"contentType\":\"text/plain\",\"text\":\"Rotate the cluster keys every ninety days.\"}");
            answers.add(uploaded.body());
            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
            String search = "{\"query\":\"how often are cluster keys rotated\",\"mode\":\"dense\"}";
            await("the document is searchable")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> send(api + "/v1/search", "POST", QUERY_KEY, search)
                            .body()
                            .contains("ninety days"));

            List<HttpResponse<String>> responses = List.of(
                    send(api + "/v1/search", "POST", QUERY_KEY, search),
                    send(api + "/v1/search", "POST", HASHED_KEY, search),
                    send(api + "/v1/search", "POST", QUERY_KEY + "x", search),
                    send(api + "/v1/search", "POST", UPLOAD_KEY, search),
                    send(api + "/v1/search", "POST", QUERY_KEY, "{\"query\":"),
                    send(api + "/v1/answer", "POST", QUERY_KEY, "{\"query\":\"how often are keys rotated\"}"),
                    send(upload + "/v1/documents/other", "PUT", QUERY_KEY, "{\"text\":\"x\"}"),
                    send(upload + "/v1/documents", "POST", UPLOAD_KEY, "not json"),
                    get(api + "/metrics", QUERY_KEY),
                    get(api + "/health/ready", QUERY_KEY),
                    get(upload + "/metrics", UPLOAD_KEY),
                    get(upload + "/health/ready", UPLOAD_KEY));
            for (HttpResponse<String> response : responses) {
                answers.add(response.uri() + " " + response.statusCode() + " "
                        + response.headers().map() + " " + response.body());
            }
            assertThat(responses.get(0).statusCode()).isEqualTo(200);
            assertThat(responses.get(1).statusCode())
                    .as("a key given by its hash lets the key in")
                    .isEqualTo(200);
            assertThat(responses.get(2).statusCode()).isEqualTo(401);
            assertThat(responses.get(3).statusCode()).isEqualTo(401);
        }

        StringBuilder everything = new StringBuilder(String.join("\n", answers));
        try (var files = Files.list(logs)) {
            for (Path log : files.toList()) {
                everything.append('\n').append(Files.readString(log, StandardCharsets.UTF_8));
            }
        }
        String seen = everything.toString();
        assertThat(seen).as("what the services logged and answered").contains("auth.keys=", "store.milvus-token=");
        for (String secret : List.of(QUERY_KEY, UPLOAD_KEY, HASHED_KEY, OPENAI_KEY, MILVUS_TOKEN, "Mv-Tok-4821")) {
            assertThat(seen).as("what the services logged and answered").doesNotContain(secret);
        }
        System.out.printf(
                "secret audit: 4 services, %d answers and %,d characters of logs read; 0 secrets found%n",
                answers.size(), seen.length());
    }

    private HttpResponse<String> send(String url, String method, String key, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + key)
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url, String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + key)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String key) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(key.getBytes(StandardCharsets.UTF_8)));
    }
}
