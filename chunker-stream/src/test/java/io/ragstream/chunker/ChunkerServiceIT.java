package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.config.TopicSetup;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.testkit.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The chunker on a real broker with exactly-once processing: 200 creates, updates and deletes in, exact state out. */
class ChunkerServiceIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path stateDir;

    @Test
    void finalChunksOfEveryDocumentMatchItsLatestVersion() {
        Random random = new Random(7);
        List<ProducerRecord<String, RawDocument>> events = new ArrayList<>();
        Map<String, Optional<String>> expected = new LinkedHashMap<>(); // docId -> latest version, empty when deleted
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            RawDocument doc = document(i, 0, random);
            ids.add(doc.docId());
            events.add(new ProducerRecord<>(Topics.DOCS_RAW, doc.docId(), doc));
            expected.put(doc.docId(), Optional.of(doc.version()));
        }
        for (int i = 0; i < 30; i++) {
            int which = random.nextInt(150);
            RawDocument doc = document(which, i + 1, random);
            events.add(new ProducerRecord<>(Topics.DOCS_RAW, doc.docId(), doc));
            expected.put(doc.docId(), Optional.of(doc.version()));
        }
        for (int i = 0; i < 20; i++) {
            String docId = ids.get(random.nextInt(150));
            ProducerRecord<String, RawDocument> tombstone = new ProducerRecord<>(Topics.DOCS_RAW, docId, null);
            tombstone.headers().add(Topics.TENANT_HEADER, "acme".getBytes(StandardCharsets.UTF_8));
            events.add(tombstone);
            expected.put(docId, Optional.empty());
        }

        ChunkerConfig defaults = ChunkerConfig.defaults();
        ChunkerConfig config = new ChunkerConfig(
                kafka.uniqueName("chunker"), new TopicSetup(true, 3, (short) 1), defaults.chunker(), defaults.model());
        Map<String, String> streams = Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "state.dir", stateDir.toString(),
                "commit.interval.ms", "100");
        try (ChunkerService service = ChunkerService.start(config, streams)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> service.state() == KafkaStreams.State.RUNNING);
            try (var producer =
                    new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new RawDocumentSerde())) {
                events.forEach(producer::send);
            }

            Map<String, ChunkMessage> latest = new HashMap<>();
            Map<String, Object> consumerConfig = new HashMap<>(kafka.consumerConfig(kafka.uniqueName("check")));
            consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (var consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ChunkMessageSerde());
                    var dlq = new KafkaConsumer<>(
                            kafka.consumerConfig(kafka.uniqueName("dlq")),
                            new StringDeserializer(),
                            new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(Topics.CHUNKS));
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
                            return expected.entrySet().stream()
                                    .allMatch(e -> matches(latest.get(e.getKey()), e.getValue()));
                        });
                dlq.subscribe(List.of(Topics.DOCS_DLQ));
                assertThat(dlq.poll(Duration.ofSeconds(2)).count())
                        .as("dead letters")
                        .isZero();
            }

            assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            expected.forEach((docId, version) -> {
                ChunkMessage last = latest.get(docId);
                if (version.isEmpty()) {
                    assertThat(last).as(docId).isInstanceOf(DocumentDeletion.class);
                } else {
                    assertThat(last).as(docId).isInstanceOfSatisfying(ChunkedDocument.class, chunked -> {
                        assertThat(chunked.version()).isEqualTo(version.get());
                        assertThat(chunked.chunks()).isNotEmpty();
                    });
                }
            });
        }
    }

    private static boolean matches(ChunkMessage last, Optional<String> version) {
        return version.isEmpty()
                ? last instanceof DocumentDeletion
                : last instanceof ChunkedDocument chunked && chunked.version().equals(version.get());
    }

    private static RawDocument document(int number, int revision, Random random) {
        String body = "# Document " + number + "\n\nRevision " + revision + ". "
                + "Streaming keeps the knowledge base fresh. ".repeat(1 + random.nextInt(30));
        return RawDocument.builder()
                .tenant("acme")
                .source("fs")
                .uri("file:///kb/doc-" + number + ".md")
                .text("text/markdown", body)
                .build();
    }
}
