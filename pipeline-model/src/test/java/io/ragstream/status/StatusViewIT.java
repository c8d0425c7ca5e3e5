package io.ragstream.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.model.DocumentStatus;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.testkit.KafkaFixture;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The status view on a real broker, through an error its reader did not expect. */
class StatusViewIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    /**
     * The reader thread ended at the first unexpected error with one log line: the view kept answering from what it had
     * read, every later status unseen, and waits for documents indexed after it ran to their timeout.
     */
    @Test
    void anUnexpectedErrorOfTheReaderIsRiddenOutAndLaterStatusesAreSeen() throws Exception {
        String topic = kafka.uniqueName("status");
        kafka.createTopics(new NewTopic(topic, 2, (short) 1));
        AtomicBoolean fail = new AtomicBoolean();
        try (KafkaProducer<String, byte[]> producer = producer();
                StatusView view = StatusView.start(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()),
                        topic,
                        settings -> new FailingConsumer(settings, fail))) {
            publish(producer, topic, DocumentStatus.indexed("doc-a", "acme", "v1", 0, 1));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> view.latest("doc-a").isPresent());
            assertThat(view.reading()).isTrue();

            fail.set(true);
            await("the view says it is not reading")
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> !view.reading());
            publish(producer, topic, DocumentStatus.indexed("doc-b", "acme", "v1", 1, 2));

            assertThat(view.awaitVersion("doc-b", "v1", Duration.ofSeconds(30)).outcome())
                    .as("a status published after the error")
                    .isEqualTo(StatusView.Outcome.INDEXED);
            assertThat(view.latest("doc-a"))
                    .hasValueSatisfying(status -> assertThat(status.stage()).isEqualTo(DocumentStatus.Stage.INDEXED));
            assertThat(view.reading()).isTrue();
        }
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void publish(KafkaProducer<String, byte[]> producer, String topic, DocumentStatus status)
            throws Exception {
        byte[] value = new DocumentStatusSerde().serialize(topic, status);
        producer.send(new ProducerRecord<>(topic, status.docId(), value)).get();
    }

    /** A real consumer whose next poll fails once when asked to, as one refused by the broker would. */
    private static final class FailingConsumer extends KafkaConsumer<String, byte[]> {
        private final AtomicBoolean fail;

        FailingConsumer(Map<String, Object> settings, AtomicBoolean fail) {
            super(settings, new StringDeserializer(), new ByteArrayDeserializer());
            this.fail = fail;
        }

        @Override
        public ConsumerRecords<String, byte[]> poll(Duration timeout) {
            if (fail.compareAndSet(true, false)) {
                throw new KafkaException("injected: the broker refused the reader");
            }
            return super.poll(timeout);
        }
    }
}
