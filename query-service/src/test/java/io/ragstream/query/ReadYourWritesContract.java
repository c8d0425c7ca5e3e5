package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Topics;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.model.json.Json;
import io.ragstream.status.StatusView;
import io.ragstream.store.ForwardingStore;
import io.ragstream.store.SearchHit;
import io.ragstream.store.SearchRequest;
import io.ragstream.store.VectorStore;
import io.ragstream.testkit.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Read-your-writes and document status, with statuses read from a real broker's status topic as the chunker and the
 * embedder publish them; run on each store by a subclass.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadYourWritesContract {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    static final String KEY = "ryw-key-0123456789";

    /** The store under test, and the collection to use in it. */
    protected abstract VectorStore openStore();

    protected abstract String collection();

    /** Whether each search the store was asked for was a read-your-writes one. */
    private final List<Boolean> reads = new java.util.concurrent.CopyOnWriteArrayList<>();

    private String topic;
    TestService service;
    private KafkaProducer<String, DocumentStatus> producer;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() {
        topic = kafka.uniqueName("status");
        kafka.createTopics(new NewTopic(topic, 1, (short) 1).configs(Topics.STATUS_SPEC.configs()));
        producer = new KafkaProducer<>(
                kafka.producerConfig(), new StringSerializer(), new DocumentStatusSerde().serializer());
        StatusView statuses = StatusView.start(kafka.consumerConfig("unused"), topic);
        VectorStore watched = new ForwardingStore(openStore()) {
            @Override
            public List<SearchHit> search(String collection, SearchRequest request) {
                reads.add(request.readYourWrites());
                return super.search(collection, request);
            }
        };
        service = TestService.start(
                watched,
                List.of(TestService.chunk("kb:old", Optional.empty(), "Penguins live in the southern hemisphere.")),
                TestService.config(collection(), KEY),
                Optional.of(statuses));
    }

    @AfterAll
    void stop() {
        service.close();
        producer.close();
    }

    @Test
    void searchWaitsUntilTheVersionIsIndexedThenFindsIt() throws Exception {
        publish(DocumentStatus.chunked("kb:new", "acme", "v2", 2, 1));
        CompletableFuture<HttpResponse<String>> response = http.sendAsync(
                search("glacier tongue calving", Map.of("docId", "kb:new", "version", "v2", "timeoutMs", 20_000)),
                HttpResponse.BodyHandlers.ofString());

        TimeUnit.MILLISECONDS.sleep(1_500);
        assertThat(response).isNotDone();
        service.index(List.of(TestService.chunk(
                "kb:new", "v2", Optional.empty(), "A glacier tongue calves icebergs into the sea every spring.")));
        publish(DocumentStatus.indexed("kb:new", "acme", "v2", 2, 1));

        HttpResponse<String> answered = response.get(20, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
        JsonNode hits = Json.mapper().readTree(answered.body()).get("hits");
        assertThat(hits.get(0).get("docId").asText()).isEqualTo("kb:new");
        assertThat(hits.get(0).get("version").asText()).isEqualTo("v2");
    }

    @Test
    void versionStillInFlightAnswers503NamingItsLatestStage() throws Exception {
        publish(DocumentStatus.chunked("kb:slow", "acme", "v7", 7, 3));

        HttpResponse<String> response = http.send(
                search("anything", Map.of("docId", "kb:slow", "version", "v7", "timeoutMs", 800)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        JsonNode error = Json.mapper().readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("version_pending");
        assertThat(error.get("message").asText())
                .contains("not indexed after 800 ms")
                .contains("chunked");
    }

    @Test
    void failedVersionAnswers409WithTheReason() throws Exception {
        publish(DocumentStatus.failed(
                "kb:broken", Optional.of("acme"), Optional.of("v3"), Optional.of(3L), "encrypted PDF"));

        HttpResponse<String> response = http.send(
                search("anything", Map.of("docId", "kb:broken", "version", "v3")),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
        JsonNode error = Json.mapper().readTree(response.body()).get("error");
        assertThat(error.get("code").asText()).isEqualTo("version_failed");
        assertThat(error.get("message").asText()).contains("encrypted PDF");
        assertThat(error.get("field").asText()).isEqualTo("waitFor.version");
    }

    @Test
    void versionReplacedByANewerIndexedOneDoesNotWait() throws Exception {
        publish(DocumentStatus.chunked("kb:busy", "acme", "v1", 1, 1));
        publish(DocumentStatus.chunked("kb:busy", "acme", "v2", 2, 1));
        publish(DocumentStatus.indexed("kb:busy", "acme", "v2", 2, 1));

        long start = System.nanoTime();
        HttpResponse<String> response = http.send(
                search("anything", Map.of("docId", "kb:busy", "version", "v1", "timeoutMs", 20_000)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    /**
     * The chunker and the embedder publish statuses independently: the embedder's "indexed v1" can arrive after the
     * chunker's "chunked v2". That must not read as v2 being superseded.
     */
    @Test
    void anOlderVersionIndexedLateDoesNotReleaseAWaiterForTheNewerOne() throws Exception {
        publish(DocumentStatus.chunked("kb:race", "acme", "v1", 1, 1));
        publish(DocumentStatus.chunked("kb:race", "acme", "v2", 2, 1));
        publish(DocumentStatus.indexed("kb:race", "acme", "v1", 1, 1));

        HttpResponse<String> response = http.send(
                search("anything", Map.of("docId", "kb:race", "version", "v2", "timeoutMs", 1_500)),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(Json.mapper()
                        .readTree(response.body())
                        .get("error")
                        .get("message")
                        .asText())
                .contains("version v2 of kb:race is not indexed")
                .contains("chunked (version v2)");
    }

    @Test
    void aSearchThatWaitedAsksTheStoreForItsOwnWrites() throws Exception {
        publish(DocumentStatus.indexed("kb:strong", "acme", "v1", 1, 1));
        reads.clear();

        HttpResponse<String> response = http.send(
                search("anything", Map.of("docId", "kb:strong", "version", "v1")),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(reads).containsExactly(true);
    }

    @Test
    void documentEndpointShowsTheStatusToItsTenantOnly() throws Exception {
        publish(DocumentStatus.failed("kb:ours", Optional.of("acme"), Optional.of("v1"), Optional.of(1L), "zip bomb"));
        publish(DocumentStatus.failed(
                "kb:theirs", Optional.of("globex"), Optional.of("v1"), Optional.of(1L), "zip bomb"));
        publish(DocumentStatus.indexed("kb:old", "acme", "v1", 1, 1));
        String marker = "kb:marker";
        publish(DocumentStatus.failed(marker, Optional.of("acme"), Optional.of("v1"), Optional.of(1L), "marker"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/v1/documents/" + marker).statusCode() == 200);

        JsonNode ours = Json.mapper().readTree(get("/v1/documents/kb:ours").body());
        assertThat(ours.get("status").get("stage").asText()).isEqualTo("failed");
        assertThat(ours.get("status").get("reason").asText()).isEqualTo("zip bomb");
        assertThat(ours.get("chunkCount").asInt()).isZero();
        assertThat(get("/v1/documents/kb:theirs").statusCode()).isEqualTo(404);
        JsonNode indexed = Json.mapper().readTree(get("/v1/documents/kb:old").body());
        assertThat(indexed.get("status").get("stage").asText()).isEqualTo("indexed");
        assertThat(indexed.get("chunkCount").asInt()).isEqualTo(1);
    }

    /**
     * A status that names no tenant (a broken record under the docId, from whichever producer) was shown to any tenant
     * holding chunks of the document: another tenant's failure reason stood in for the owner's status.
     */
    @Test
    void aStatusThatNamesNoTenantIsShownToNoTenant() throws Exception {
        service.index(List.of(
                TestService.chunk("kb:walrus", "v1", Optional.empty(), "Walruses haul out on drifting ice floes.")));
        publish(DocumentStatus.indexed("kb:walrus", "acme", "v1", 1, 1));
        publish(DocumentStatus.failed(
                "kb:walrus", Optional.empty(), Optional.empty(), Optional.empty(), "globex-payroll.xlsx is broken"));
        String marker = "kb:anonymous-marker";
        publish(DocumentStatus.failed(marker, Optional.of("acme"), Optional.of("v1"), Optional.of(1L), "marker"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/v1/documents/" + marker).statusCode() == 200);

        HttpResponse<String> response = get("/v1/documents/kb:walrus");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(response.body()).get("chunkCount").asInt())
                .isEqualTo(1);
        assertThat(response.body()).doesNotContain("globex-payroll");
    }

    /**
     * docIds can be computed from a tenant's name and a URL: waiting for another tenant's document must tell nothing of
     * it, neither its stage nor its failure reason, nor by answering at once that it is indexed.
     */
    @Test
    void waitingForAnotherTenantsDocumentTellsNothingOfIt() throws Exception {
        publish(DocumentStatus.failed(
                "kb:globex-payroll", Optional.of("globex"), Optional.of("v1"), Optional.of(1L), "salaries.xlsx"));
        publish(DocumentStatus.indexed("kb:globex-plans", "globex", "v4", 4, 2));
        String marker = "kb:tenant-marker";
        publish(DocumentStatus.failed(marker, Optional.of("acme"), Optional.of("v1"), Optional.of(1L), "marker"));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> get("/v1/documents/" + marker).statusCode() == 200);

        HttpResponse<String> failed = http.send(
                search("anything", Map.of("docId", "kb:globex-payroll", "version", "v1", "timeoutMs", 500)),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> indexed = http.send(
                search("anything", Map.of("docId", "kb:globex-plans", "version", "v4", "timeoutMs", 500)),
                HttpResponse.BodyHandlers.ofString());

        for (HttpResponse<String> response : List.of(failed, indexed)) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.body())
                    .contains("no status yet")
                    .doesNotContain("salaries")
                    .doesNotContain("failed")
                    .doesNotContain("indexed (");
        }
    }

    private void publish(DocumentStatus status) throws Exception {
        producer.send(new ProducerRecord<>(topic, status.docId(), status)).get();
    }

    private HttpRequest search(String query, Map<String, Object> waitFor) throws Exception {
        String body = Json.mapper().writeValueAsString(Map.of("query", query, "mode", "dense", "waitFor", waitFor));
        return HttpRequest.newBuilder(URI.create(service.baseUrl() + "/v1/search"))
                .header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                        .header("Authorization", "Bearer " + KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
