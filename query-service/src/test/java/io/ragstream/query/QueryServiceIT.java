package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.model.json.Json;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.MilvusVectorStore;
import io.ragstream.testkit.MilvusFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The query API on a real Milvus server, through an outage of it. */
class QueryServiceIT {

    @RegisterExtension
    static final MilvusFixture milvus = new MilvusFixture();

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void storeOutageAnswers503WithRetryAfterAndTheServiceRecovers() throws Exception {
        List<ChunkRecord> chunks = List.of(
                TestService.chunk("kb:0", Optional.empty(), "A compacted topic keeps the latest value for every key."),
                TestService.chunk("kb:1", Optional.empty(), "Reciprocal rank fusion adds one over k plus rank."));

        try (TestService service = TestService.start(
                MilvusVectorStore.connect(milvus.uri(), Optional.empty()),
                milvus.uniqueCollection("chunks"),
                "secret-key",
                chunks)) {
            assertThat(search(service).statusCode()).isEqualTo(200);

            milvus.stopServer();
            try {
                HttpResponse<String> refused = search(service);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).contains("5");
                assertThat(refused.body()).contains("\"code\":\"unavailable\"").doesNotContain("Exception");
                assertThat(get(service, "/health/ready").statusCode()).isEqualTo(503);
            } finally {
                milvus.startServer();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> search(service).statusCode() == 200);
            assertThat(search(service).body()).contains("compacted topic");
        }
    }

    @Test
    void expectedDocumentComesFirstOnMilvusInEveryMode() throws Exception {
        try (TestService service = TestService.start(
                MilvusVectorStore.connect(milvus.uri(), Optional.empty()),
                milvus.uniqueCollection("corpus"),
                "secret-key",
                SampleCorpus.chunks(TestService.TENANT))) {
            for (String mode : new String[] {"hybrid", "dense"}) {
                for (var question : SampleCorpus.QUESTIONS.entrySet()) {
                    String body = Json.mapper()
                            .writeValueAsString(Map.of("query", question.getKey(), "topK", 3, "mode", mode));
                    HttpResponse<String> response = http.send(
                            HttpRequest.newBuilder(URI.create(service.baseUrl() + "/v1/search"))
                                    .header("Authorization", "Bearer secret-key")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    JsonNode hits = Json.mapper().readTree(response.body()).get("hits");
                    assertThat(hits.get(0).get("docId").asText())
                            .as(mode + ": " + question.getKey())
                            .isEqualTo(question.getValue());
                }
            }
        }
    }

    private HttpResponse<String> search(TestService service) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/v1/search"))
                        .header("Authorization", "Bearer secret-key")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"query\":\"what does compaction keep?\",\"mode\":\"dense\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(TestService service, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
