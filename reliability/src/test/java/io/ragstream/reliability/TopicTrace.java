package io.ragstream.reliability;

import io.ragstream.model.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Where one document's records are on the pipeline's topics, committed or not: what a reliability test prints when a
 * document does not settle, so that a failure in CI tells a record never produced from one produced in a transaction
 * that never ended (the last stable offset below the end) or one that a reader skipped.
 */
final class TopicTrace {

    private static final List<String> TOPICS = List.of(Topics.DOCS_RAW, Topics.CHUNKS, Topics.STATUS);

    private TopicTrace() {}

    /** One line per topic: the document's records read uncommitted and committed, and its partition's offsets. */
    static String of(String bootstrap, String docId) {
        StringBuilder trace = new StringBuilder("; on the topics, " + docId + ":");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            for (String topic : TOPICS) {
                List<String> uncommitted = read(bootstrap, topic, docId, "read_uncommitted");
                List<String> committed = read(bootstrap, topic, docId, "read_committed");
                trace.append(" ")
                        .append(topic)
                        .append(": ")
                        .append(committed.size())
                        .append(" committed of ")
                        .append(uncommitted.size())
                        .append(' ')
                        .append(uncommitted.subList(Math.max(0, uncommitted.size() - 4), uncommitted.size()))
                        .append(uncommitted.isEmpty() ? "" : " " + stability(admin, topic, uncommitted.getFirst()))
                        .append(';');
            }
        } catch (Exception e) {
            trace.append(" cannot read the topics: ").append(e);
        }
        return trace.toString();
    }

    /** The partition's end offset and last stable offset: a gap is a transaction still open. */
    private static String stability(Admin admin, String topic, String first) throws Exception {
        TopicPartition partition = new TopicPartition(topic, Integer.parseInt(first.substring(1, first.indexOf('@'))));
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                .partitionResult(partition)
                .get(30, TimeUnit.SECONDS)
                .offset();
        long stable = admin.listOffsets(
                        Map.of(partition, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .partitionResult(partition)
                .get(30, TimeUnit.SECONDS)
                .offset();
        return "(partition end " + end + ", last stable " + stable + ")";
    }

    /** The document's records on one topic, as "p{partition}@{offset}", read from the beginning to the end. */
    private static List<String> read(String bootstrap, String topic, String docId, String isolation) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline
                    && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (docId.equals(record.key())) {
                        found.add("p" + record.partition() + "@" + record.offset());
                    }
                }
            }
        }
        return found;
    }
}
