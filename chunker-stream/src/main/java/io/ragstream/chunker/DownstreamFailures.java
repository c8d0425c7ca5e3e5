package io.ragstream.chunker;

import io.ragstream.model.DocumentStatus;
import io.ragstream.model.DocumentStatus.Stage;
import io.ragstream.model.json.DocumentStatusSerde;
import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps, from {@code ragstream.status}, the versions a later stage failed (the store refused them past its retries) in a
 * global store, so that publishing such a version again is chunked again instead of skipped as unchanged. A status of a
 * later stage or a newer version for the document clears it. Read by every instance; written by the global thread only.
 */
final class DownstreamFailures implements Processor<String, byte[], Void, Void> {

    private final DocumentStatusSerde serde = new DocumentStatusSerde();
    private KeyValueStore<String, DocumentStatus> failures;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        failures = context.getStateStore(ChunkerTopology.FAILURES_STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            failures.delete(record.key());
            return;
        }
        DocumentStatus status;
        try {
            status = serde.deserialize(null, record.value());
        } catch (RuntimeException unreadable) {
            return; // not a status this version can read: the view of statuses says so, this store ignores it
        }
        if (status.sequence().isEmpty() || status.stage() == Stage.SUPERSEDED) {
            return;
        }
        long sequence = status.sequence().get();
        Optional<Long> held = Optional.ofNullable(failures.get(record.key())).flatMap(DocumentStatus::sequence);
        if (held.isPresent() && sequence < held.get()) {
            return;
        }
        if (status.stage() == Stage.FAILED) {
            failures.put(record.key(), status);
        } else if (held.isPresent()) {
            failures.delete(record.key());
        }
    }

    /** Whether a later stage failed the version of {@code docId} that carries {@code sequence}. */
    static boolean failed(KeyValueStore<String, DocumentStatus> failures, String docId, long sequence) {
        return Optional.ofNullable(failures.get(docId))
                .flatMap(DocumentStatus::sequence)
                .filter(failed -> failed == sequence)
                .isPresent();
    }
}
