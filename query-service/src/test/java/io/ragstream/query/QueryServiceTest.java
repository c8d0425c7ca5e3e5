package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.InputKind;
import io.ragstream.embedding.OnnxEmbedder;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.model.json.Json;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionSpec;
import io.ragstream.store.EmbeddedChunk;
import io.ragstream.store.LuceneVectorStore;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query API over HTTP, on the embedded store holding the sample corpus for two tenants. */
class QueryServiceTest {

    private static final String ACME = "key-acme-0123456789";
    private static final String GLOBEX = "key-globex-9876543210";

    @TempDir
    static Path storeDir;

    private static QueryService service;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final List<String> globexDocIds = new ArrayList<>();

    @BeforeAll
    static void indexCorpusAndStart() throws IOException {
        OnnxEmbedder embedder = OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults());
        LuceneVectorStore store = new LuceneVectorStore(storeDir);
        store.ensureCollection("chunks", new CollectionSpec(embedder.modelId(), embedder.dimension()));
        List<ChunkRecord> chunks = new ArrayList<>();
        chunks.addAll(SampleCorpus.chunks("acme"));
        // Another tenant's documents use the same words: none of them may ever reach acme.
        for (int i = 0; i < 10; i++) {
            String docId = "globex:doc-" + i;
            globexDocIds.add(docId);
            chunks.add(SampleCorpus.chunk(
                    "globex",
                    docId,
                    0,
                    "Globex secret plan " + i + ": a compacted topic keeps the latest value"
                            + " for each key, and reciprocal rank fusion combines result lists."));
        }
        List<float[]> vectors =
                embedder.embed(chunks.stream().map(ChunkRecord::text).toList(), InputKind.PASSAGE);
        List<EmbeddedChunk> embedded = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            embedded.add(new EmbeddedChunk(chunks.get(i), vectors.get(i)));
        }
        store.upsert("chunks", embedded);

        QueryConfig config = QueryConfig.defaults()
                .withHttpPort(0)
                .withCollection("chunks")
                .withKeys("acme:" + ACME + ",globex:" + GLOBEX);
        service = QueryService.start(config, store, embedder);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void expectedDocumentComesFirstForQuestionsAboutTheCorpus() throws Exception {
        Map<String, String> questions = SampleCorpus.QUESTIONS;
        for (var question : questions.entrySet()) {
            JsonNode hits = post("/v1/search", ACME, Map.of("query", question.getKey(), "topK", 3))
                    .get("hits");

            assertThat(hits.size()).as(question.getKey()).isPositive();
            assertThat(hits.get(0).get("docId").asText()).as(question.getKey()).isEqualTo(question.getValue());
        }
    }

    @Test
    void contextFitsTheBudgetAndItsMarkersMatchItsSources() throws Exception {
        for (int budget : new int[] {60, 300, 1_200}) {
            JsonNode context = post(
                    "/v1/context",
                    ACME,
                    Map.of("query", "How do Kafka topics keep documents in order?", "maxTokens", budget, "topK", 10));

            assertThat(context.get("tokenCount").asInt()).isLessThanOrEqualTo(budget);
            Set<Integer> markers = new TreeSet<>();
            Matcher matcher =
                    Pattern.compile("\\[(\\d+)]").matcher(context.get("context").asText());
            while (matcher.find()) {
                markers.add(Integer.parseInt(matcher.group(1)));
            }
            List<Integer> numbers = new ArrayList<>();
            context.get("sources")
                    .forEach(source -> numbers.add(source.get("number").asInt()));
            assertThat(markers).containsExactlyElementsOf(numbers);
        }
    }

    @Test
    void randomRequestsWithOneTenantsKeyNeverSeeAnotherTenantsChunks() throws Exception {
        // Property: whatever a request asks for (words both tenants use, the other tenant's ids, sources and address
        // prefixes, any mode and size), its hits, context and sources belong to the key's tenant. 60 requests from a
        // fixed seed, so a failure can be replayed.
        Random random = new Random(20261122);
        List<String> words = List.of(
                "Globex",
                "secret",
                "plan",
                "compacted",
                "topic",
                "latest",
                "value",
                "key",
                "reciprocal",
                "rank",
                "fusion",
                "result",
                "lists",
                "kafka",
                "partition",
                "검색",
                "벡터");
        for (int i = 0; i < 60; i++) {
            StringBuilder query = new StringBuilder();
            for (int w = 0; w < 1 + random.nextInt(6); w++) {
                query.append(words.get(random.nextInt(words.size()))).append(' ');
            }
            Map<String, Object> request = new java.util.HashMap<>();
            request.put("query", query.toString().strip());
            request.put("topK", 1 + random.nextInt(100));
            request.put("mode", random.nextBoolean() ? "dense" : "hybrid");
            Map<String, Object> filter = new java.util.HashMap<>();
            if (random.nextInt(3) == 0) {
                filter.put("docIds", globexDocIds.subList(0, 1 + random.nextInt(globexDocIds.size())));
            }
            if (random.nextInt(3) == 0) {
                filter.put("sources", List.of("test"));
            }
            if (random.nextInt(4) == 0) {
                filter.put("uriPrefix", "https://kb.test/globex");
            }
            if (!filter.isEmpty()) {
                request.put("filter", filter);
            }
            String path = random.nextBoolean() ? "/v1/search" : "/v1/context";
            JsonNode answer = post(path, ACME, request);

            answer.path("hits").forEach(hit -> assertThat(hit.get("docId").asText())
                    .as("%s %s", path, request)
                    .doesNotStartWith("globex:"));
            answer.path("sources")
                    .forEach(source -> assertThat(source.get("docId").asText())
                            .as("%s %s", path, request)
                            .doesNotStartWith("globex:"));
            assertThat(answer.path("context").asText(""))
                    .as("%s %s", path, request)
                    .doesNotContain("Globex");
        }
    }

    @Test
    void noRequestWithOneTenantsKeyEverSeesAnotherTenantsChunks() throws Exception {
        List<Map<String, Object>> requests = List.of(
                Map.of("query", "Globex secret plan"),
                Map.of("query", "compacted topic latest value for each key", "topK", 100),
                Map.of("query", "reciprocal rank fusion", "mode", "dense", "topK", 100),
                Map.of("query", "secret plan", "filter", Map.of("docIds", globexDocIds)),
                Map.of("query", "secret plan", "filter", Map.of("sources", List.of("test"))),
                Map.of("query", "globex", "filter", Map.of("uriPrefix", "https://kb.test/globex")));
        for (Map<String, Object> request : requests) {
            JsonNode hits = post("/v1/search", ACME, request).get("hits");
            hits.forEach(hit ->
                    assertThat(hit.get("docId").asText()).as(request.toString()).doesNotStartWith("globex:"));
            JsonNode context = post("/v1/context", ACME, request);
            assertThat(context.get("context").asText()).as(request.toString()).doesNotContain("Globex");
        }
        JsonNode theirs = post("/v1/search", GLOBEX, Map.of("query", "Globex secret plan", "topK", 3))
                .get("hits");
        assertThat(theirs.get(0).get("docId").asText()).startsWith("globex:");
        assertThat(get("/v1/documents/" + globexDocIds.getFirst(), ACME).statusCode())
                .isEqualTo(404);
        assertThat(get("/v1/documents/" + globexDocIds.getFirst(), GLOBEX).statusCode())
                .isEqualTo(200);
    }

    @Test
    void badRequestsAreRefusedWithAClearMessageNamingTheField() throws Exception {
        assertError(send("/v1/search", ACME, Map.of("query", "x", "topK", 1000)), 400, "topK", "between 1 and 100");
        assertError(send("/v1/search", ACME, Map.of("query", "x", "topk", 5)), 400, "topk", "unknown field 'topk'");
        assertError(send("/v1/search", ACME, Map.of("query", "x", "topK", "ten")), 400, "topK", "wrong type");
        assertError(send("/v1/search", ACME, Map.of("query", "  ")), 400, "query", "missing or blank");
        assertError(send("/v1/search", ACME, Map.of("query", "x".repeat(2_001))), 400, "query", "max-query-chars");
        assertError(send("/v1/search", ACME, Map.of("query", "x", "mode", "fuzzy")), 400, "mode", "dense or hybrid");
        assertError(send("/v1/context", ACME, Map.of("query", "x", "maxTokens", 0)), 400, "maxTokens", "between 1");
        assertError(
                send("/v1/search", ACME, Map.of("query", "x", "waitFor", Map.of("docId", "kb:a", "version", "v1"))),
                400,
                "waitFor",
                "kafka.bootstrap.servers");
        assertError(
                send("/v1/search", ACME, Map.of("query", "x", "waitFor", Map.of("docId", "kb:a"))),
                400,
                "waitFor.version",
                "missing");
        assertError(
                send("/v1/search", ACME, Map.of("query", "x", "filter", Map.of("docId", List.of("a")))),
                400,
                "filter.docId",
                "unknown field");
        HttpResponse<String> notJson = http.send(
                request("/v1/search", ACME)
                        .POST(HttpRequest.BodyPublishers.ofString("{query:"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(notJson, 400, null, "not valid JSON");
    }

    @Test
    void requestsWithoutAValidKeyAreRefused() throws Exception {
        assertError(send("/v1/search", null, Map.of("query", "x")), 401, null, "send an API key");
        assertError(send("/v1/search", "not-a-key", Map.of("query", "x")), 401, null, "not known");
        assertError(get("/v1/nothing-here", ACME), 404, null, "no route");
    }

    @Test
    void documentEndpointShowsTheChunksInOrder() throws Exception {
        HttpResponse<String> response = get("/v1/documents/kb:en/milvus.md", ACME);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode document = Json.mapper().readTree(response.body());
        assertThat(document.get("chunkCount").asInt()).isGreaterThan(3);
        assertThat(document.get("chunks").get(0).get("ordinal").asInt()).isZero();
        assertThat(document.get("chunks").get(0).get("text").asText()).contains("Milvus in brief");
    }

    @Test
    void openApiDocumentIsServedAndValid() throws Exception {
        HttpResponse<String> response = get("/openapi.yaml", null);

        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(response.body());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(parsed.getMessages()).isEmpty();
        assertThat(parsed.getOpenAPI().getPaths())
                .containsKeys("/v1/search", "/v1/context", "/v1/answer", "/v1/documents/{docId}");
    }

    @Test
    void searchBeforeAnythingIsIndexedAnswers503(@TempDir Path empty) throws Exception {
        QueryConfig config = QueryConfig.defaults()
                .withHttpPort(0)
                .withCollection("nothing_yet")
                .withKeys("acme:" + ACME);
        try (QueryService fresh = QueryService.start(
                config,
                new LuceneVectorStore(empty),
                OnnxModel.bgeSmallEnV15Quantized().loadEmbedder(EmbedderOptions.defaults()))) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fresh.port() + "/v1/search"))
                            .header("Authorization", "Bearer " + ACME)
                            .POST(HttpRequest.BodyPublishers.ofString("{\"query\":\"anything\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());

            assertError(response, 503, null, "nothing_yet is not in the store yet");
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void healthAndMetricsAnswerWithoutAKey() throws Exception {
        assertThat(get("/health/live", null).statusCode()).isEqualTo(200);
        assertThat(get("/health/ready", null).statusCode()).isEqualTo(200);
        post("/v1/search", ACME, Map.of("query", "metrics please"));
        assertThat(get("/metrics", null).body())
                .contains("ragstream_http_requests_seconds_count{route=\"/v1/search\",status=\"200\"}")
                .contains("ragstream_query_embed_seconds_count");
    }

    private static void assertError(HttpResponse<String> response, int status, String field, String message)
            throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = Json.mapper().readTree(response.body()).get("error");
        assertThat(error.get("message").asText()).contains(message);
        if (field != null) {
            assertThat(error.get("field").asText()).isEqualTo(field);
        }
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
    }

    private static JsonNode post(String path, String key, Object body) throws Exception {
        HttpResponse<String> response = send(path, key, body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readTree(response.body());
    }

    private static HttpResponse<String> send(String path, String key, Object body) throws Exception {
        return http.send(
                request(path, key)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        return http.send(request(path, key).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path));
        return key == null ? builder : builder.header("Authorization", "Bearer " + key);
    }
}
