package io.ragstream.model;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics ragstream's stages meet on, with the configuration each must be created with. */
public final class Topics {

    /**
     * Raw documents keyed by docId; compacted, so it is the replayable source of truth. A document's versions are
     * ordered by their offsets on it (the chunker turns them into {@link ChunkedDocument#sequence()}), so every version
     * of a document must go to one partition: key by docId with the default partitioner, and never change the topic's
     * partition count.
     */
    public static final String DOCS_RAW = "ragstream.docs.raw";
    /**
     * The header that names the tenant of a {@code docs.raw} tombstone (a null value carries no tenant): a tenant deletes
     * only its own documents, so a tombstone without it, or naming another tenant than the document's, is dead-lettered.
     */
    public static final String TENANT_HEADER = "ragstream.tenant";
    /** Every chunk of one version of one document, or its deletion, keyed by docId. */
    public static final String CHUNKS = "ragstream.chunks";
    /** Raw documents no stage could process, with {@link DeadLetter} headers. */
    public static final String DOCS_DLQ = "ragstream.docs.dlq";
    /** Chunk records the embedder could not write, with {@link DeadLetter} headers. */
    public static final String CHUNKS_DLQ = "ragstream.chunks.dlq";
    /** The latest {@link DocumentStatus} of every document; compacted. */
    public static final String STATUS = "ragstream.status";

    /** Large documents travel whole; the producers' {@code max.request.size} must allow the same. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
    /** Room a {@code docs.raw} record's key, headers and JSON fields take beside its content. */
    public static final int RECORD_OVERHEAD_BYTES = 16 * 1024;
    /**
     * The largest content one {@code docs.raw} record carries, once in base64 (about 24 MiB): the most any door accepts,
     * and what every later stage reads.
     */
    public static final int MAX_CONTENT_BYTES = (MAX_MESSAGE_BYTES - RECORD_OVERHEAD_BYTES) / 4 * 3;

    private static final String THIRTY_DAYS_MS = Long.toString(30L * 24 * 60 * 60 * 1000);

    /** One topic's name and the configuration it is created with. */
    public record Spec(String name, Map<String, String> configs) {
        public Spec {
            configs = Map.copyOf(configs);
        }

        public NewTopic toNewTopic(int partitions, short replicationFactor) {
            return new NewTopic(name, Optional.of(partitions), Optional.of(replicationFactor)).configs(configs);
        }
    }

    /**
     * Compacted; a tombstone stays 30 days (Kafka keeps them 24 hours by default), so a chunker that is down or behind for
     * less than that still sees a deletion. Past it, the deleted document would stay in the store.
     */
    public static final Spec DOCS_RAW_SPEC = new Spec(
            DOCS_RAW,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.DELETE_RETENTION_MS_CONFIG,
                    THIRTY_DAYS_MS,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(MAX_MESSAGE_BYTES)));

    public static final Spec CHUNKS_SPEC = new Spec(
            CHUNKS,
            Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG,
                    TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG,
                    THIRTY_DAYS_MS,
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                    Integer.toString(MAX_MESSAGE_BYTES)));

    public static final Spec DOCS_DLQ_SPEC = deadLetterSpec(DOCS_DLQ);
    public static final Spec CHUNKS_DLQ_SPEC = deadLetterSpec(CHUNKS_DLQ);

    public static final Spec STATUS_SPEC =
            new Spec(STATUS, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));

    /** Every topic of the pipeline, in the order data flows through them. */
    public static final List<Spec> ALL =
            List.of(DOCS_RAW_SPEC, CHUNKS_SPEC, DOCS_DLQ_SPEC, CHUNKS_DLQ_SPEC, STATUS_SPEC);

    private Topics() {}

    /** The topics to create on a cluster with the given partition count and replication factor. */
    public static List<NewTopic> newTopics(int partitions, short replicationFactor) {
        return ALL.stream()
                .map(spec -> spec.toNewTopic(partitions, replicationFactor))
                .toList();
    }

    /**
     * Creates every pipeline topic the cluster lacks, with its configuration; existing topics are left as they are.
     *
     * @return the names of the topics it created
     */
    public static List<String> ensure(Admin admin, int partitions, short replicationFactor, Duration timeout) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = newTopics(partitions, replicationFactor).stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .toList();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // another instance creating it at the same moment is fine; anything else is not
                    }
                }
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "cannot create the ragstream topics (" + partitions + " partitions,"
                            + " replication " + replicationFactor + "): " + e.getMessage() + "; check the brokers and"
                            + " that this client may create topics, or create them beforehand from Topics.ALL",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the ragstream topics", e);
        }
    }

    private static Spec deadLetterSpec(String name) {
        return new Spec(
                name,
                Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG,
                        THIRTY_DAYS_MS,
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(MAX_MESSAGE_BYTES)));
    }
}
