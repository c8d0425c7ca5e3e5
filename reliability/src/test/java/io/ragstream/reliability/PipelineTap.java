package io.ragstream.reliability;

import io.ragstream.model.DeadLetter;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Topics;
import io.ragstream.model.json.DocumentStatusSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Everything the pipeline said about each key, in order: the dead letters on {@code ragstream.docs.dlq} and
 * {@code ragstream.chunks.dlq} with their {@code ragstream.dlq.*} headers, and every status on {@code ragstream.status},
 * not only the latest ({@link io.ragstream.status.StatusView} keeps that). Read committed, from the beginning, with no
 * group.
 */
final class PipelineTap implements AutoCloseable {

    /** One dead letter: the topic it went to and why; empty when it carries no {@code ragstream.dlq.*} headers. */
    record Letter(String topic, Optional<DeadLetter> reason) {}

    private static final List<String> TOPICS = List.of(Topics.DOCS_DLQ, Topics.CHUNKS_DLQ, Topics.STATUS);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<TopicPartition> partitions = new ArrayList<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Map<String, List<Letter>> letters = new ConcurrentHashMap<>();
    private final Map<String, List<DocumentStatus>> statuses = new ConcurrentHashMap<>();
    private final DocumentStatusSerde serde = new DocumentStatusSerde();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    private PipelineTap(Map<String, Object> kafka) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        for (String topic : TOPICS) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        reader = Thread.ofPlatform().daemon().name("pipeline-tap").unstarted(this::run);
    }

    /** Starts reading; the topics must exist. */
    static PipelineTap start(Map<String, Object> kafka) {
        PipelineTap tap = new PipelineTap(kafka);
        tap.reader.start();
        return tap;
    }

    List<Letter> letters(String key) {
        return List.copyOf(letters.getOrDefault(key, List.of()));
    }

    List<DocumentStatus> statuses(String key) {
        return List.copyOf(statuses.getOrDefault(key, List.of()));
    }

    /** Waits until this tap has read every committed record that is on its topics now. */
    void awaitCaughtUp(Admin admin, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        var ends = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (failure == null
                && ends.entrySet().stream()
                        .anyMatch(end -> positions.getOrDefault(end.getKey(), 0L)
                                < end.getValue().offset())) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "the tap did not reach " + ends + " within " + timeout + "; at " + positions);
            }
            Thread.sleep(100);
        }
        if (failure != null) {
            throw new IllegalStateException("the tap stopped reading: " + failure, failure);
        }
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    apply(record);
                }
                partitions.forEach(partition -> positions.put(partition, consumer.position(partition)));
            }
        } catch (WakeupException stopping) {
            // close() was called
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        String key = String.valueOf(record.key());
        if (record.topic().equals(Topics.STATUS)) {
            if (record.value() != null) {
                statuses.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                        .add(serde.deserialize(record.topic(), record.value()));
            }
            return;
        }
        letters.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>())
                .add(new Letter(record.topic(), DeadLetter.readFrom(record.headers())));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(Duration.ofSeconds(10));
    }
}
