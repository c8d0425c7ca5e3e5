package io.ragstream.status;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records a consumer group still has to read of a topic. Offsets alone overcount on the topics ragstream writes
 * in transactions: a commit or abort marker takes an offset and is no record, and an aborted record is one a
 * {@code read_committed} reader never sees. So where the group's committed offset is behind the end, the records in
 * between are read and counted, as the group would read them.
 */
public final class ConsumerLag {

    /** The most records counted one by one per call; past it, the rest is counted by offsets. */
    private static final int MAX_COUNTED = 100_000;

    private ConsumerLag() {}

    /**
     * @param kafka client settings, at least {@code bootstrap.servers}
     * @param group the consumer group (a Kafka Streams application id is one)
     */
    public static long of(Map<String, ?> kafka, String group, String topic, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> ends;
        Map<TopicPartition, OffsetAndMetadata> committed;
        try (Admin admin = Admin.create(new HashMap<>(kafka))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic)
                    .partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            ends = new HashMap<>();
            admin.listOffsets(request)
                    .all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((partition, info) -> ends.put(partition, info.offset()));
            committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        Map<TopicPartition, Long> behind = new HashMap<>();
        ends.forEach((partition, end) -> {
            OffsetAndMetadata done = committed.get(partition);
            long from = done == null ? 0 : done.offset();
            if (from < end) {
                behind.put(partition, from);
            }
        });
        return behind.isEmpty() ? 0 : count(kafka, behind, ends, timeout);
    }

    /** The records from each partition's offset to its end, as a {@code read_committed} reader sees them. */
    private static long count(
            Map<String, ?> kafka, Map<TopicPartition, Long> from, Map<TopicPartition, Long> ends, Duration timeout) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ragstream-lag");
        try (KafkaConsumer<byte[], byte[]> reader =
                new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            reader.assign(from.keySet());
            from.forEach(reader::seek);
            long counted = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (counted < MAX_COUNTED
                    && System.nanoTime() < deadline
                    && from.keySet().stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < ends.get(partition)) {
                        counted++;
                    }
                }
            }
            // Whatever was not read in time is counted by its offsets: more than it is, never less.
            for (TopicPartition partition : from.keySet()) {
                counted += Math.max(0, ends.get(partition) - reader.position(partition));
            }
            return counted;
        }
    }
}
