package io.ragstream.ingest;

import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes to {@code ragstream.docs.raw} with an idempotent producer ({@code acks=all}, zstd). Records are checked
 * against the schema and the size limit before they are sent, and each call waits for the broker's acknowledgement.
 */
public final class KafkaDocumentSink implements DocumentSink {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final long maxValueBytes;
    private final RawDocumentSerde serde = new RawDocumentSerde();

    /**
     * @param kafka the producer settings (at least {@code bootstrap.servers}); ragstream's own settings win over them
     * @param topic the raw documents topic, normally {@link Topics#DOCS_RAW}
     * @param maxRecordBytes the topic's {@code max.message.bytes}, normally {@link Topics#MAX_MESSAGE_BYTES}
     */
    public KafkaDocumentSink(Map<String, ?> kafka, String topic, int maxRecordBytes) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
        settings.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 2L * maxRecordBytes));
        settings.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "ragstream-ingest");
        this.producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.maxValueBytes = (long) maxRecordBytes - Topics.RECORD_OVERHEAD_BYTES;
    }

    /** The default topic and size limit. */
    public static KafkaDocumentSink toDocsRaw(Map<String, ?> kafka) {
        return new KafkaDocumentSink(kafka, Topics.DOCS_RAW, Topics.MAX_MESSAGE_BYTES);
    }

    /** The largest raw content, in bytes, that fits in one record once base64 and JSON are added. */
    public long maxContentBytes() {
        return maxValueBytes * 3 / 4;
    }

    @Override
    public void publish(RawDocument document) {
        byte[] value = serde.serialize(topic, document);
        if (value.length + document.docId().getBytes(StandardCharsets.UTF_8).length > maxValueBytes) {
            throw new DocumentTooLargeException("document " + document.uri(), value.length, maxValueBytes);
        }
        send(new ProducerRecord<>(topic, document.docId(), value));
    }

    @Override
    public void delete(String docId, String tenant) {
        ProducerRecord<String, byte[]> tombstone = new ProducerRecord<>(topic, docId, null);
        tombstone.headers().add(Topics.TENANT_HEADER, tenant.getBytes(StandardCharsets.UTF_8));
        send(tombstone);
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("interrupted while publishing " + record.key(), e);
        } catch (ExecutionException e) {
            throw new PublishException(
                    "Kafka did not accept " + record.key() + " on " + topic + ": "
                            + e.getCause().getMessage(),
                    e.getCause());
        } catch (KafkaException e) {
            throw new PublishException("Kafka refused " + record.key() + " on " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** The broker did not acknowledge a record; the connector must not record it as published. */
    public static final class PublishException extends RuntimeException {
        PublishException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
