package io.ragstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.ragstream.config.TopicSetup;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.Json;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.testkit.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The long-lived service as {@code IngestMain} starts it: topics created, upload API and a watched folder together. */
class IngestServiceIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path dir;

    @Test
    void uploadsAndWatchedFilesArriveOnTheRawTopic() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("inbox"));
        IngestConfig defaults = IngestConfig.defaults();
        IngestConfig config = new IngestConfig(
                "acme",
                dir.resolve("state").toString(),
                new TopicSetup(true, 1, (short) 1),
                defaults.upload().withHttpPort(0).withKeys("acme:ingest-key-0123456789"),
                new IngestConfig.Folders(
                        folder.toString(),
                        "",
                        "",
                        1_000_000,
                        "files",
                        Duration.ofMinutes(5),
                        Duration.ofMillis(100),
                        false),
                defaults.crawl());
        Map<String, String> settings = Map.of("bootstrap.servers", kafka.bootstrapServers());

        try (IngestService service = IngestService.start(config, settings)) {
            HttpResponse<String> uploaded = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                            + service.uploadPort().orElseThrow() + "/v1/documents/notes-1"))
                                    .header("Authorization", "Bearer ingest-key-0123456789")
                                    .header("Content-Type", "application/json")
                                    .PUT(HttpRequest.BodyPublishers.ofString(
                                            "{\"contentType\":\"text/plain\",\"text\":\"Renewal is due in May.\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            Path file = Files.writeString(folder.resolve("guide.md"), "# Guide\n\nHow to renew.");

            assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(200);
            JsonNode answer = Json.mapper().readTree(uploaded.body());
            String uploadId = Ids.docId("acme", "upload", "notes-1");
            String fileId = Ids.docId("acme", "files", file.toUri().toString());
            assertThat(answer.get("docId").asText()).isEqualTo(uploadId);
            Map<String, RawDocument> published = read(List.of(uploadId, fileId));
            assertThat(published.get(uploadId).content()).isEqualTo("Renewal is due in May.");
            assertThat(published.get(uploadId).version())
                    .isEqualTo(answer.get("version").asText());
            assertThat(published.get(fileId).content()).isEqualTo("# Guide\n\nHow to renew.");
        }
    }

    @Test
    void serviceWithNothingToDoRefusesToStartAndSaysWhatToSet() {
        IngestConfig defaults = IngestConfig.defaults();
        IngestConfig idle = new IngestConfig(
                "acme",
                dir.toString(),
                new TopicSetup(false, 1, (short) 1),
                defaults.upload(),
                defaults.files(),
                defaults.crawl());

        assertThatThrownBy(() -> IngestService.start(idle, Map.of("bootstrap.servers", kafka.bootstrapServers())))
                .hasMessageContaining("upload.auth.keys")
                .hasMessageContaining("files.roots")
                .hasMessageContaining("crawl.seeds");
    }

    private Map<String, RawDocument> read(List<String> docIds) {
        Map<String, Object> config = new HashMap<>(kafka.consumerConfig(kafka.uniqueName("reader")));
        Map<String, RawDocument> found = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.DOCS_RAW));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!found.keySet().containsAll(docIds) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (docIds.contains(record.key()) && record.value() != null) {
                        found.put(record.key(), new RawDocumentSerde().deserialize(record.topic(), record.value()));
                    }
                });
            }
        }
        assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(docIds);
        return found;
    }
}
