package io.ragstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.testkit.KafkaFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one-shot jobs of {@code ingest} against a real broker: what they publish, print and exit with. */
class IngestCliIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    @TempDir
    Path dir;

    @Test
    void filesJobPublishesTheFolderOnceAndThenOnlyWhatChanged() throws Exception {
        String topic = topic();
        Path docs = Files.createDirectories(dir.resolve("docs"));
        Files.writeString(docs.resolve("a.md"), "# A\n\nFirst document.");
        Files.writeString(docs.resolve("b.txt"), "Second document.");

        Run first = run(
                "files",
                docs.toString(),
                "--topic",
                topic,
                "--state-dir",
                dir.resolve("state").toString());
        Files.writeString(docs.resolve("b.txt"), "Second document, edited.");
        Files.delete(docs.resolve("a.md"));
        Run second = run(
                "files",
                docs.toString(),
                "--topic",
                topic,
                "--state-dir",
                dir.resolve("state").toString());

        assertThat(first.exit).isZero();
        assertThat(first.output).contains("done in").contains("files 2, published 2, deleted 0");
        assertThat(second.output).contains("published 1, deleted 1");
        List<ConsumerRecord<String, byte[]>> records = read(topic, 4);
        String a = Ids.docId("acme", "files", docs.resolve("a.md").toUri().toString());
        String b = Ids.docId("acme", "files", docs.resolve("b.txt").toUri().toString());
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(a, b, b, a);
        assertThat(records.getLast().key()).isEqualTo(a);
        assertThat(records.getLast().value()).isNull();
    }

    @Test
    void fileJobPublishesEachFileAndFailsForAMissingOne() throws Exception {
        String topic = topic();
        Path file = Files.writeString(dir.resolve("note.md"), "A note.");

        Run run = run("file", file.toString(), dir.resolve("missing.pdf").toString(), "--topic", topic);

        assertThat(run.exit).isEqualTo(IngestCli.SOME_FAILED);
        assertThat(run.output)
                .contains("published " + file)
                .contains("failed " + dir.resolve("missing.pdf") + ": ")
                .contains("not a regular file")
                .contains("files 2, published 1, deleted 0, unchanged 0, skipped 0, failed 1");
        ConsumerRecord<String, byte[]> record = read(topic, 1).getFirst();
        RawDocument document = new RawDocumentSerde().deserialize(topic, record.value());
        assertThat(document.docId())
                .isEqualTo(Ids.docId("acme", "files", file.toUri().toString()));
        assertThat(document.contentType()).isEqualTo("text/markdown");
        assertThat(document.content()).isEqualTo("A note.");
    }

    private String topic() {
        String topic = kafka.uniqueName("raw");
        kafka.createTopics(new NewTopic(topic, 1, (short) 1).configs(Topics.DOCS_RAW_SPEC.configs()));
        return topic;
    }

    private record Run(int exit, String output) {}

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--tenant", "acme"));
        if (!all.contains("--state-dir")) {
            all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new IngestCli()).execute(all.toArray(String[]::new));
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private List<ConsumerRecord<String, byte[]>> read(String topic, int expected) {
        Map<String, Object> config = new LinkedHashMap<>(kafka.consumerConfig(kafka.uniqueName("reader")));
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // Nothing more than expected arrives.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        assertThat(records).hasSize(expected);
        return records;
    }
}
