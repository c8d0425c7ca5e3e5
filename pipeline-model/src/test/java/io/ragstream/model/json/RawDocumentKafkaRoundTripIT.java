package io.ragstream.model.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ragstream.model.ContractViolationException;
import io.ragstream.model.DocumentEvent;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.testkit.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RawDocumentKafkaRoundTripIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final Instant FETCHED = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void documentsAndTombstonesRoundTripThroughARealBroker() {
        String topic = createDocsRawTopic();
        RawDocument english = RawDocument.builder()
                .tenant("acme")
                .source("web")
                .uri("https://example.com/guide")
                .title("Guide")
                .text("text/html", "<h1>Guide</h1><p>Streaming keeps the knowledge base fresh.</p>")
                .tags(List.of("guide"))
                .fetchedAt(FETCHED)
                .build();
        RawDocument korean = RawDocument.builder()
                .tenant("acme")
                .source("fs")
                .uri("file:///kb/ko/intro.md")
                .text("text/markdown", "# 소개\n\n스트리밍으로 지식 베이스를 최신으로 유지합니다.")
                .metadata(Map.of("lang", "ko"))
                .fetchedAt(FETCHED)
                .build();
        RawDocument pdf = RawDocument.builder()
                .tenant("acme")
                .source("upload")
                .uri("upload://report-2026")
                .bytes("application/pdf", new byte[] {'%', 'P', 'D', 'F', 0, (byte) 0xff, 7})
                .fetchedAt(FETCHED)
                .build();

        try (var producer =
                new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new RawDocumentSerde())) {
            for (RawDocument doc : List.of(english, korean, pdf)) {
                producer.send(new ProducerRecord<>(topic, doc.docId(), doc));
            }
            producer.send(new ProducerRecord<>(topic, english.docId(), null)); // the English page is deleted
            producer.flush();
        }

        List<DocumentEvent> events = readAll(topic, 4).stream()
                .map(r -> DocumentEvent.of(r.key(), r.value()))
                .toList();

        assertThat(events)
                .containsExactly(
                        new DocumentEvent.Upsert(english),
                        new DocumentEvent.Upsert(korean),
                        new DocumentEvent.Upsert(pdf),
                        new DocumentEvent.Delete(english.docId()));
        var readPdf = (DocumentEvent.Upsert) events.get(2);
        assertThat(readPdf.document().contentBytes()).isEqualTo(pdf.contentBytes());
    }

    @Test
    void recordBreakingTheSchemaIsReportedWithItsFieldAndOffset() {
        String topic = createDocsRawTopic();
        String missingDocId = "{\"schemaVersion\":1,\"tenant\":\"acme\",\"source\":\"crm\",\"uri\":\"crm://1\","
                + "\"contentType\":\"text/plain\",\"content\":\"hi\",\"contentHash\":\"" + "0".repeat(64) + "\","
                + "\"fetchedAt\":\"2026-11-22T10:00:00Z\"}";
        try (var producer =
                new KafkaProducer<>(kafka.producerConfig(), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "crm:1", missingDocId.getBytes(StandardCharsets.UTF_8)));
            producer.flush();
        }

        try (var consumer = consumer()) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());

            RecordDeserializationException error =
                    await().atMost(Duration.ofSeconds(30)).until(() -> pollForError(consumer), e -> e != null);

            assertThat(error.offset()).isZero();
            assertThat(error.getCause()).isInstanceOfSatisfying(ContractViolationException.class, cause -> {
                assertThat(cause.field()).isEqualTo("$.docId");
                assertThat(cause.rule()).isEqualTo("required");
            });
        }
    }

    private static RecordDeserializationException pollForError(KafkaConsumer<String, RawDocument> consumer) {
        try {
            consumer.poll(Duration.ofMillis(200));
            return null;
        } catch (RecordDeserializationException e) {
            return e;
        }
    }

    private static String createDocsRawTopic() {
        String topic = kafka.uniqueName(Topics.DOCS_RAW);
        kafka.createTopics(new Topics.Spec(topic, Topics.DOCS_RAW_SPEC.configs()).toNewTopic(1, (short) 1));
        return topic;
    }

    private static KafkaConsumer<String, RawDocument> consumer() {
        return new KafkaConsumer<>(
                kafka.consumerConfig(kafka.uniqueName("round-trip")), new StringDeserializer(), new RawDocumentSerde());
    }

    private static List<ConsumerRecord<String, RawDocument>> readAll(String topic, int expected) {
        List<ConsumerRecord<String, RawDocument>> records = new ArrayList<>();
        try (var consumer = consumer()) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
        }
        return records;
    }
}
