package io.ragstream.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.testkit.KafkaFixture;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Lag on a topic written in transactions, as the chunker writes {@code chunks} and {@code status}. */
class ConsumerLagIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * `ragstream status` showed an embedder lag on an idle pipeline: a transaction's commit marker takes an offset, which
     * no consumer commits past, and an aborted transaction's records, which no read_committed consumer sees, counted too.
     */
    @Test
    void markersAndAbortedRecordsAreNoLagButCommittedRecordsAre() throws Exception {
        String topic = kafka.uniqueName("lag");
        kafka.createTopics(new NewTopic(topic, 1, (short) 1));
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, Object> settings = Map.of("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<String, String> producer = transactional()) {
            producer.initTransactions();
            send(producer, topic, 3, true);
            commit(partition, "caught-up", 3);

            assertThat(ConsumerLag.of(settings, "caught-up", topic, TIMEOUT))
                    .as("three records read, then the commit marker at offset 3")
                    .isZero();
            assertThat(offsetsBehind(partition, "caught-up"))
                    .as("what the offsets alone say, as `ragstream status` did")
                    .isEqualTo(1);

            send(producer, topic, 2, false);
            assertThat(ConsumerLag.of(settings, "caught-up", topic, TIMEOUT))
                    .as("an aborted transaction and its marker")
                    .isZero();
            assertThat(offsetsBehind(partition, "caught-up")).isEqualTo(4);

            send(producer, topic, 2, true);
            assertThat(ConsumerLag.of(settings, "caught-up", topic, TIMEOUT))
                    .as("two committed records not read yet")
                    .isEqualTo(2);
            assertThat(ConsumerLag.of(settings, "never-read", topic, TIMEOUT))
                    .as("a group that never committed has every committed record to read")
                    .isEqualTo(5);
        }
    }

    /** The end offset less the group's committed one: the rule `ragstream status` and the benchmarks used. */
    private static long offsetsBehind(TopicPartition partition, String group) throws Exception {
        long end = kafka.admin()
                .listOffsets(Map.of(partition, OffsetSpec.latest()))
                .partitionResult(partition)
                .get()
                .offset();
        long committed = kafka.admin()
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .get(partition)
                .offset();
        return end - committed;
    }

    private static KafkaProducer<String, String> transactional() {
        Map<String, Object> settings = new HashMap<>(kafka.producerConfig());
        settings.put("transactional.id", kafka.uniqueName("lag-producer"));
        return new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
    }

    private static void send(KafkaProducer<String, String> producer, String topic, int records, boolean commit) {
        producer.beginTransaction();
        for (int i = 0; i < records; i++) {
            producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i));
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
            producer.abortTransaction();
        }
    }

    /** The group commits as a consumer that read this many records does: the next offset to read. */
    private static void commit(TopicPartition partition, String group, long offset) {
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(kafka.consumerConfig(group), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(offset)));
        }
    }
}
