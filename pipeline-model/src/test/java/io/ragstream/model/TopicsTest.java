package io.ragstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void rawDocumentsAndStatusAreCompactedAndChunksAreNot() {
        assertThat(Topics.DOCS_RAW_SPEC.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.STATUS_SPEC.configs()).containsEntry("cleanup.policy", "compact");
        assertThat(Topics.CHUNKS_SPEC.configs()).containsEntry("cleanup.policy", "delete");
        assertThat(Topics.DOCS_DLQ_SPEC.configs()).containsEntry("cleanup.policy", "delete");
        assertThat(Topics.CHUNKS_DLQ_SPEC.configs()).containsEntry("cleanup.policy", "delete");
    }

    /** Kafka keeps a tombstone 24 hours by default: a chunker down for longer never saw the deletion. */
    @Test
    void aDeletionOnDocsRawOutlivesADayOfChunkerDowntime() {
        assertThat(Long.parseLong(Topics.DOCS_RAW_SPEC.configs().get("delete.retention.ms")))
                .isEqualTo(30L * 24 * 60 * 60 * 1000);
    }

    @Test
    void everyTopicIsCreatedWithItsConfigs() {
        assertThat(Topics.newTopics(3, (short) 1))
                .extracting(NewTopic::name)
                .containsExactly(
                        "ragstream.docs.raw",
                        "ragstream.chunks",
                        "ragstream.docs.dlq",
                        "ragstream.chunks.dlq",
                        "ragstream.status");
        assertThat(Topics.newTopics(3, (short) 1)).allSatisfy(topic -> {
            assertThat(topic.numPartitions()).isEqualTo(3);
            assertThat(topic.configs()).containsKey("cleanup.policy");
        });
    }
}
