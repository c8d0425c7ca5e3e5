package io.ragstream.chunker;

import io.ragstream.model.DocumentStatus;
import io.ragstream.model.json.DocumentStatusSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code ragstream.status} beside {@code docs.raw} (same keys, same partitions) for one thing: a version the
 * embedder could not index (the store refused it past its retries). The chunker then remembers that version as failed,
 * so publishing it again is chunked again, not skipped as unchanged: a refusal that has cleared does not lose the
 * document for good.
 */
final class FailureListener implements Processor<String, byte[], Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(FailureListener.class);

    private final DocumentStatusSerde serde = new DocumentStatusSerde();
    private KeyValueStore<String, LastVersion> versions;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.versions = context.getStateStore(ChunkerTopology.VERSIONS_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        DocumentStatus status;
        try {
            status = serde.deserialize(record.key(), record.value());
        } catch (SerializationException | IllegalArgumentException unreadable) {
            return; // not the chunker's to judge; the status view logs it
        }
        if (status.stage() != DocumentStatus.Stage.FAILED || status.sequence().isEmpty()) {
            return;
        }
        LastVersion last = versions.get(record.key());
        if (last == null
                || last.failed()
                || last.sequence() != status.sequence().get()) {
            return;
        }
        versions.put(record.key(), last.asFailed());
        log.info(
                "failed downstream docId={} sequence={}: publishing the version again chunks it again",
                record.key(),
                last.sequence());
    }
}
