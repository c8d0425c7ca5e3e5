package io.ragstream.cli;

import io.ragstream.chunker.ChunkerConfig;
import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Topics;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.status.ConsumerLag;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ragstream status}: topics, lag per stage, documents per state. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show the pipeline: records per topic, what each stage still has to read (lag), documents per"
                + " state and the chunks indexed, from the status topic.")
final class StatusCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    RagstreamCli.Home home = new RagstreamCli.Home();

    @Option(names = "--kafka", description = "Kafka (default: the running `ragstream up`)")
    String kafka;

    @Override
    public Integer call() throws Exception {
        String bootstrap = kafka != null ? kafka : home.home().requireRunning().kafka();
        Map<String, Object> settings = Map.of("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(settings)) {
            Map<TopicPartition, Long> ends = endOffsets(admin);
            System.out.println("topics (records written, compaction aside):");
            for (Topics.Spec spec : Topics.ALL) {
                long records = ends.entrySet().stream()
                        .filter(e -> e.getKey().topic().equals(spec.name()))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                System.out.printf("  %-24s %,10d%n", spec.name(), records);
            }
            System.out.println("lag (records a stage has not read yet):");
            System.out.printf(
                    "  %-24s %,10d%n",
                    "chunker",
                    ConsumerLag.of(settings, ChunkerConfig.defaults().applicationId(), Topics.DOCS_RAW, TIMEOUT));
            System.out.printf(
                    "  %-24s %,10d%n",
                    "embedder",
                    ConsumerLag.of(settings, EmbedderConfig.defaults().groupId(), Topics.CHUNKS, TIMEOUT));
        }
        printDocuments(settings);
        return 0;
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        var described = admin.describeTopics(
                        Topics.ALL.stream().map(Topics.Spec::name).toList())
                .allTopicNames()
                .get(30, TimeUnit.SECONDS);
        described.forEach((name, description) -> description
                .partitions()
                .forEach(p -> request.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        ListOffsetsResult result = admin.listOffsets(request);
        return result.all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Reads the compacted status topic to its end: the latest status of every document. */
    private static void printDocuments(Map<String, Object> settings) {
        Map<String, Object> consumer = new HashMap<>(settings);
        consumer.put("isolation.level", "read_committed");
        Map<String, DocumentStatus> latest = new HashMap<>();
        DocumentStatusSerde serde = new DocumentStatusSerde();
        try (KafkaConsumer<String, byte[]> reader =
                new KafkaConsumer<>(consumer, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = reader.partitionsFor(Topics.STATUS, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(Topics.STATUS, info.partition()))
                    .toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> reader.position(p) < end.get(p))) {
                reader.poll(Duration.ofMillis(500)).forEach(record -> {
                    if (record.value() == null) {
                        latest.remove(record.key());
                    } else {
                        latest.put(record.key(), serde.deserialize(record.topic(), record.value()));
                    }
                });
            }
        }
        Map<DocumentStatus.Stage, Integer> byStage = new EnumMap<>(DocumentStatus.Stage.class);
        long chunks = 0;
        for (DocumentStatus status : latest.values()) {
            byStage.merge(status.stage(), 1, Integer::sum);
            if (status.stage() == DocumentStatus.Stage.INDEXED) {
                chunks += status.chunkCount().orElse(0);
            }
        }
        System.out.println("documents by their latest stage:");
        for (DocumentStatus.Stage stage : DocumentStatus.Stage.values()) {
            System.out.printf(
                    "  %-24s %,10d%n", stage.name().toLowerCase(java.util.Locale.ROOT), byStage.getOrDefault(stage, 0));
        }
        System.out.printf("chunks in the store (indexed documents): %,d%n", chunks);
        latest.values().stream()
                .filter(status -> status.stage() == DocumentStatus.Stage.FAILED)
                .limit(10)
                .forEach(status -> System.out.println(
                        "  failed " + status.docId() + ": " + status.reason().orElse("")));
    }
}
