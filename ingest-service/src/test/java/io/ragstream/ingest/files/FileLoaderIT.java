package io.ragstream.ingest.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.testkit.KafkaFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class FileLoaderIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    @TempDir
    Path stateDir;

    @Test
    void watchPublishesCreatedModifiedDeletedFilesAndFilesInNewDirectories() throws Exception {
        String topic = kafka.uniqueName(Topics.DOCS_RAW);
        kafka.createTopics(new NewTopic(topic, 1, (short) 1).configs(Topics.DOCS_RAW_SPEC.configs()));
        // Events alone must do the work: the periodic rescan does not come within the test.
        FileLoaderConfig config = FileLoaderConfig.defaults()
                .withRoots(root)
                .withSettleDelay(Duration.ofMillis(200))
                .withRescanInterval(Duration.ofHours(1));
        Path guide = root.resolve("guide.md");
        Path faq = root.resolve("new-dir/faq.md");
        try (var sink = new KafkaDocumentSink(kafka.producerConfig(), topic, Topics.MAX_MESSAGE_BYTES);
                var state = IngestState.open(stateDir.resolve("files-state.json"));
                var loader = new FileLoader(config, sink, state, new IngestCounters());
                var topicReader = new TopicReader(topic)) {
            loader.start();

            Files.writeString(guide, "# Guide\n\nfirst version\n");
            assertThat(topicReader.awaitRecords(1)).containsExactly(upsert(guide, "# Guide\n\nfirst version\n"));

            Files.writeString(guide, "# Guide\n\nsecond, longer version\n");
            assertThat(topicReader.awaitRecords(2))
                    .containsExactly(
                            upsert(guide, "# Guide\n\nfirst version\n"),
                            upsert(guide, "# Guide\n\nsecond, longer version\n"));

            Files.delete(guide);
            assertThat(topicReader.awaitRecords(3)).endsWith(tombstone(guide));

            Files.createDirectories(faq.getParent());
            Files.writeString(faq, "# FAQ\n");
            assertThat(topicReader.awaitRecords(4))
                    .containsExactly(
                            upsert(guide, "# Guide\n\nfirst version\n"),
                            upsert(guide, "# Guide\n\nsecond, longer version\n"),
                            tombstone(guide),
                            upsert(faq, "# FAQ\n"));
        }
    }

    /** One record as the test expects it: key, and for a new version its uri, content and content hash. */
    private static String upsert(Path file, String content) {
        String uri = file.toUri().toString();
        return "upsert " + Ids.docId("default", "files", uri) + " uri=" + uri + " hash=" + Ids.contentHash(content)
                + " content=" + content;
    }

    private static String tombstone(Path file) {
        return "tombstone " + Ids.docId("default", "files", file.toUri().toString());
    }

    private static String describe(ConsumerRecord<String, byte[]> record, RawDocumentSerde serde) {
        RawDocument document = serde.deserialize(record.topic(), record.value());
        if (document == null) {
            return "tombstone " + record.key();
        }
        assertThat(document.docId()).isEqualTo(record.key());
        return "upsert " + record.key() + " uri=" + document.uri() + " hash=" + document.contentHash() + " content="
                + document.content();
    }

    /** Reads the topic from its start, keeping every record in order. */
    private static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final RawDocumentSerde serde = new RawDocumentSerde();
        private final List<String> records = new ArrayList<>();

        TopicReader(String topic) {
            consumer = new KafkaConsumer<>(
                    kafka.consumerConfig(kafka.uniqueName("files-it")),
                    new StringDeserializer(),
                    new ByteArrayDeserializer());
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
        }

        /** Every record read so far, once there are at least this many. */
        List<String> awaitRecords(int count) {
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> records.add(describe(r, serde)));
                return records.size() >= count;
            });
            return List.copyOf(records);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
