package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.model.json.Json;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.store.SearchHit;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /v1/answer} against a {@link FakeChatServer}, and the rerank hook. */
class AnswerAndRerankTest {

    private static final String KEY = "answer-key-0123456789";
    private static final List<String> ANSWER = FakeChatServer.ANSWER;

    @TempDir
    static Path dir;

    @TempDir
    static Path rerankDir;

    private static FakeChatServer chat;
    private static TestService answering;
    private static TestService reranking;
    private static TestService plain;
    private final HttpClient http = HttpClient.newHttpClient();

    private static final List<io.ragstream.store.ChunkRecord> CHUNKS = List.of(
            TestService.chunk(
                    "kb:compaction",
                    Optional.of("Compaction"),
                    "A compacted topic keeps the latest value for every key."),
            TestService.chunk("kb:fusion", Optional.of("Fusion"), "Reciprocal rank fusion adds one over k plus rank."),
            TestService.chunk("kb:tika", Optional.of("Tika"), "Apache Tika reads PDF and Office documents."));

    @BeforeAll
    static void start() throws IOException {
        chat = FakeChatServer.start();
        QueryConfig.Answer answer = chat.settings();
        answering = TestService.start(
                new LuceneVectorStore(dir),
                CHUNKS,
                TestService.config("chunks", KEY).withAnswer(answer),
                Optional.empty());
        reranking = TestService.start(
                new LuceneVectorStore(rerankDir),
                CHUNKS,
                TestService.config("chunks", KEY)
                        .withRerank(new QueryConfig.Rerank(Optional.of(ShortestFirst.class.getName()), 3)),
                Optional.empty());
        plain = TestService.start(new LuceneVectorStore(dir.resolve("plain")), "chunks", KEY, CHUNKS);
    }

    @AfterAll
    static void stop() {
        answering.close();
        reranking.close();
        plain.close();
        chat.close();
    }

    @Test
    void answerStreamsSourcesThenTextThenTheSourcesItCites() throws Exception {
        HttpResponse<String> response = post(answering, "/v1/answer", Map.of("query", "What does compaction keep?"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        List<String[]> events = events(response.body());
        assertThat(events.getFirst()[0]).isEqualTo("sources");
        assertThat(events.getLast()[0]).isEqualTo("done");
        StringBuilder text = new StringBuilder();
        for (String[] event : events.subList(1, events.size() - 1)) {
            assertThat(event[0]).isEqualTo("delta");
            text.append(Json.mapper().readTree(event[1]).get("text").asText());
        }
        assertThat(text).hasToString(String.join("", ANSWER));
        JsonNode done = Json.mapper().readTree(events.getLast()[1]);
        assertThat(done.get("finishReason").asText()).isEqualTo("stop");
        assertThat(done.get("citations")).hasSize(1);
        assertThat(done.get("citations").get(0).get("number").asInt()).isEqualTo(1);
        JsonNode sources = Json.mapper().readTree(events.getFirst()[1]).get("sources");
        assertThat(done.get("citations").get(0).get("docId").asText())
                .isEqualTo(sources.get(0).get("docId").asText())
                .isEqualTo("kb:compaction");

        JsonNode sent = Json.mapper().readTree(chat.lastRequest());
        assertThat(sent.get("model").asText()).isEqualTo("test-model");
        assertThat(sent.get("stream").asBoolean()).isTrue();
        assertThat(sent.get("messages").get(0).get("role").asText()).isEqualTo("system");
        assertThat(sent.get("messages").get(1).get("content").asText())
                .contains("[1]")
                .contains("A compacted topic keeps the latest value for every key.")
                .endsWith("Question: What does compaction keep?");
    }

    @Test
    void answerWithoutStreamingIsOneJsonObject() throws Exception {
        HttpResponse<String> response =
                post(answering, "/v1/answer", Map.of("query", "What does compaction keep?", "stream", false));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = Json.mapper().readTree(response.body());
        assertThat(answer.get("answer").asText()).isEqualTo(String.join("", ANSWER));
        assertThat(answer.get("citations").get(0).get("docId").asText()).isEqualTo("kb:compaction");
        assertThat(answer.get("sources").size())
                .isGreaterThanOrEqualTo(answer.get("citations").size());
    }

    @Test
    void chatEndpointFailureIs502InTheErrorShape() throws Exception {
        chat.failWith(503);
        try {
            HttpResponse<String> response =
                    post(answering, "/v1/answer", Map.of("query", "What does compaction keep?"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
            JsonNode error = Json.mapper().readTree(response.body()).get("error");
            assertThat(error.get("code").asText()).isEqualTo("upstream_error");
            assertThat(error.get("message").asText()).contains("HTTP 503").contains("model overloaded");
        } finally {
            chat.failWith(200);
        }
    }

    @Test
    void answersAreOffWithoutAnEndpoint() throws Exception {
        HttpResponse<String> response = post(plain, "/v1/answer", Map.of("query", "anything"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("answer.endpoint");
    }

    @Test
    void rerankerOrdersTheCandidatesAndTheServiceCutsToTopK() throws Exception {
        JsonNode plainHits = Json.mapper()
                .readTree(post(plain, "/v1/search", Map.of("query", "compacted topic", "topK", 3, "mode", "dense"))
                        .body())
                .get("hits");
        JsonNode reranked = Json.mapper()
                .readTree(post(reranking, "/v1/search", Map.of("query", "compacted topic", "topK", 2, "mode", "dense"))
                        .body())
                .get("hits");

        assertThat(plainHits.get(0).get("docId").asText()).isEqualTo("kb:compaction");
        assertThat(reranked).hasSize(2);
        // ShortestFirst saw all three candidates (rerank.candidates=3 > topK=2) and put the shortest text first.
        assertThat(reranked.get(0).get("docId").asText()).isEqualTo("kb:tika");
        assertThat(reranked.get(0).get("score").asDouble()).isEqualTo(1.0);
        assertThat(reranked.get(1).get("docId").asText()).isEqualTo("kb:fusion");
    }

    /** A reranker for the test: shorter texts first, scored 1, 1/2, 1/3, ... */
    public static final class ShortestFirst implements Reranker {
        @Override
        public List<SearchHit> rerank(String query, List<SearchHit> candidates) {
            List<SearchHit> sorted = new ArrayList<>(candidates);
            sorted.sort(Comparator.comparingInt(hit -> hit.chunk().text().length()));
            List<SearchHit> scored = new ArrayList<>();
            for (int i = 0; i < sorted.size(); i++) {
                scored.add(new SearchHit(sorted.get(i).chunk(), 1.0 / (i + 1)));
            }
            return scored;
        }
    }

    /** Server-sent events as [name, data] pairs. */
    private static List<String[]> events(String body) {
        List<String[]> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String name = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
            if (name != null) {
                events.add(new String[] {name, data});
            }
        }
        return events;
    }

    private HttpResponse<String> post(TestService service, String path, Map<String, Object> body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                        .header("Authorization", "Bearer " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
