package io.ragstream.embedder;

import io.ragstream.embedding.EmbeddingUnavailableException;
import io.ragstream.model.ChunkMessage;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DeadLetter;
import io.ragstream.model.DocumentDeletion;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.store.StoreUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedder's consumer loop. Gathers micro-batches of {@code ragstream.chunks} records ({@code batchChunks} chunks or
 * {@code linger}, whichever comes first), has {@link BatchIndexer} apply them, and commits their offsets only after the
 * store acknowledged every write and Kafka every status and dead-letter record (a batch whose records were not written is
 * read again). While the store or the embedding endpoint is down it pauses its partitions, keeps
 * polling so it stays in the group, and retries with exponential backoff and jitter: nothing is skipped. Records that no
 * retry can fix go to {@code ragstream.chunks.dlq} with the reason.
 */
public final class EmbedderLoop implements Runnable {

    static final String STAGE = "embedder";
    private static final Logger log = LoggerFactory.getLogger(EmbedderLoop.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /**
     * How batches are gathered and outages ridden out; a document the store refuses is tried {@code refusalRetries}
     * more times before it fails; a batch still not done after {@code batchTimeout} (one attempt, not counting the waits
     * of an outage) means the model or the store hangs: the loop leaves the group and joins again.
     */
    public record Settings(
            int batchChunks,
            Duration linger,
            Duration retryInitial,
            Duration retryMax,
            int refusalRetries,
            Duration batchTimeout) {}

    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final BatchIndexer indexer;
    private final Settings settings;
    private final EmbedderMetrics metrics;
    private final ChunkMessageSerde messages = new ChunkMessageSerde();
    private final DocumentStatusSerde statuses = new DocumentStatusSerde();
    private final AtomicBoolean running = new AtomicBoolean(true);
    /** Embeds and writes a batch while the loop thread keeps polling; the consumer never leaves the loop thread. */
    private ExecutorService worker = newWorker();

    private final Set<TopicPartition> revoked = new HashSet<>();
    private volatile boolean healthy = true;

    public EmbedderLoop(
            Consumer<String, byte[]> consumer,
            Producer<String, byte[]> producer,
            BatchIndexer indexer,
            Settings settings,
            EmbedderMetrics metrics) {
        this.consumer = consumer;
        this.producer = producer;
        this.indexer = indexer;
        this.settings = settings;
        this.metrics = metrics;
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("embedder-batch").factory());
    }

    /** A batch that outlived its time: not a refusal of its documents, so they are left to be read again. */
    static final class BatchHangs extends IllegalStateException {
        BatchHangs(String message) {
            super(message);
        }
    }

    /** One record as read, decoded or not. */
    private record Pending(
            ConsumerRecord<String, byte[]> record, Optional<ChunkMessage> message, Optional<RuntimeException> poison) {
        int chunks() {
            return message.map(m -> m instanceof ChunkedDocument d
                            ? Math.max(1, d.chunks().size())
                            : 1)
                    .orElse(1);
        }
    }

    @Override
    public void run() {
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                revoked.addAll(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                log.info("assigned partitions={}", partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                revoked.addAll(partitions);
            }
        };
        consumer.subscribe(List.of(Topics.CHUNKS), listener);
        try {
            while (running.get()) {
                List<Pending> batch = gather();
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    process(batch);
                } catch (BatchHangs hangs) {
                    // The batch stays with a worker that may never return: a new worker takes the next batches, and
                    // leaving the group hands the partitions to the other instances at once; this one joins again.
                    log.warn("{}", hangs.getMessage());
                    worker.shutdownNow();
                    worker = newWorker();
                    consumer.unsubscribe();
                    revoked.clear();
                    consumer.subscribe(List.of(Topics.CHUNKS), listener);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } finally {
            // Whatever was read but not committed is read again by whoever owns the partition next.
            worker.shutdownNow();
            consumer.close(Duration.ofSeconds(10));
            log.info("embedder loop stopped");
        }
    }

    /** Stops the loop after the batch in hand; offsets not yet committed are left uncommitted. */
    public void stop() {
        running.set(false);
        try {
            consumer.wakeup();
        } catch (IllegalStateException alreadyClosed) {
            // the loop has ended already and closed its consumer
        }
    }

    /** False while the store or the endpoint is failing and the loop is waiting to retry. */
    public boolean healthy() {
        return healthy;
    }

    private List<Pending> gather() {
        List<Pending> batch = new ArrayList<>();
        int chunks = 0;
        long deadline = Long.MAX_VALUE;
        while (running.get()) {
            var records = consumer.poll(POLL);
            if (!revoked.isEmpty()) {
                rewind(batch);
                batch.clear();
                chunks = 0;
                deadline = Long.MAX_VALUE;
                revoked.clear();
            }
            for (ConsumerRecord<String, byte[]> record : records) {
                Pending pending = decode(record);
                batch.add(pending);
                chunks += pending.chunks();
                deadline =
                        Math.min(deadline, System.nanoTime() + settings.linger().toNanos());
            }
            if (chunks >= settings.batchChunks() || (!batch.isEmpty() && System.nanoTime() >= deadline)) {
                return batch;
            }
            if (batch.isEmpty()) {
                return batch; // let run() look at the running flag between idle polls
            }
        }
        return List.of();
    }

    private Pending decode(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.value() == null) {
                throw new IllegalArgumentException("record has no value; a deletion on " + Topics.CHUNKS
                        + " is an \"op\":\"delete\" message, not a tombstone");
            }
            ChunkMessage message = messages.deserialize(record.topic(), record.value());
            if (record.key() == null || !record.key().equals(message.docId())) {
                throw new IllegalArgumentException("record key '" + record.key() + "' is not the message's docId '"
                        + message.docId() + "'; key every record by its docId");
            }
            return new Pending(record, Optional.of(message), Optional.empty());
        } catch (RuntimeException e) {
            return new Pending(record, Optional.empty(), Optional.of(e));
        }
    }

    private void process(List<Pending> batch) {
        long start = System.nanoTime();
        List<Pending> good = batch.stream().filter(p -> p.message().isPresent()).toList();
        Optional<List<BatchIndexer.Outcome>> outcomes = indexWithRetry(good);
        if (outcomes.isEmpty()) {
            // Partitions were revoked, or the loop is stopping: nothing is committed, and what is still ours is read
            // again.
            rewind(batch);
            revoked.clear();
            return;
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Pending pending : batch) {
            pending.poison().ifPresent(error -> sent.add(deadLetter(pending.record(), error)));
        }
        int chunks = 0;
        for (BatchIndexer.Outcome outcome : outcomes.get()) {
            outcome.rejections()
                    .forEach(r -> sent.add(deadLetter(good.get(r.index()).record(), r.reason())));
            outcome.statuses().forEach(status -> sent.add(publishStatus(status)));
            chunks += outcome.chunksWritten();
            metrics.recordBatch(outcome);
        }
        producer.flush(); // dead letters and statuses are written before the offsets move past their records
        Optional<Throwable> unsent = firstFailure(sent);
        if (unsent.isPresent()) {
            // Committing now would lose them for good; the store writes are keyed by chunk id, so reading the batch
            // again only rewrites the same rows and sends the records once more.
            log.warn(
                    "status or dead-letter records of a batch of {} records not written ({}); it will be read again",
                    batch.size(),
                    unsent.get().toString());
            rewind(batch);
            revoked.clear();
            return;
        }
        try {
            commit(batch);
        } catch (CommitFailedException
                | RebalanceInProgressException
                | RetriableException
                | StaleMemberEpochException
                | UnknownMemberIdException e) {
            // The group moved on while this batch was being indexed. Its writes are keyed by chunk id, so whoever owns
            // the partitions now reads the batch again and rewrites the same rows: nothing is lost or duplicated.
            log.warn(
                    "offsets of a batch of {} records not committed ({}); it will be read again",
                    batch.size(),
                    e.toString());
            rewind(batch);
            revoked.clear();
            return;
        }
        metrics.batchSeconds(System.nanoTime() - start, chunks);
        log.debug("indexed records={} chunks={} ms={}", batch.size(), chunks, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Indexes the batch, waiting out outages; a batch the store refuses for another reason is indexed one message at a
     * time so the refused message alone becomes a dead letter. Empty when the batch was abandoned.
     */
    private Optional<List<BatchIndexer.Outcome>> indexWithRetry(List<Pending> batch) {
        List<ChunkMessage> all =
                batch.stream().map(p -> p.message().orElseThrow()).toList();
        try {
            return retrying(all).map(List::of);
        } catch (BatchHangs hangs) {
            throw hangs;
        } catch (RuntimeException firstRefusal) {
            RuntimeException refused = firstRefusal;
            if (batch.size() == 1) {
                // A store cannot always tell a passing fault from a refusal (an internal error while it compacts, a
                // rate limit that outlasts its client's own retries): a few more tries before the document fails.
                Duration backoff = settings.retryInitial();
                for (int retry = 1; retry <= settings.refusalRetries(); retry++) {
                    long wait = jittered(backoff);
                    log.warn(
                            "docId={} refused, trying again in {} ms ({} of {}): {}",
                            all.getFirst().docId(),
                            wait,
                            retry,
                            settings.refusalRetries(),
                            refused.getMessage());
                    metrics.retry();
                    if (!waitPolling(wait)) {
                        return Optional.empty();
                    }
                    try {
                        return retrying(all).map(List::of);
                    } catch (BatchHangs hangs) {
                        throw hangs;
                    } catch (RuntimeException again) {
                        refused = again;
                    }
                    backoff = doubled(backoff);
                }
                return failed(all.getFirst(), refused).map(List::of);
            }
            log.warn("batch of {} refused ({}); indexing its messages one by one", batch.size(), refused.toString());
            List<BatchIndexer.Outcome> outcomes = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                Optional<List<BatchIndexer.Outcome>> one = indexWithRetry(List.of(batch.get(i)));
                if (one.isEmpty()) {
                    return Optional.empty();
                }
                int position = i;
                BatchIndexer.Outcome outcome = one.get().getFirst();
                outcomes.add(new BatchIndexer.Outcome(
                        outcome.statuses(),
                        outcome.rejections().stream()
                                .map(r -> new BatchIndexer.Rejection(position, r.reason()))
                                .toList(),
                        outcome.chunksWritten(),
                        outcome.superseded(),
                        outcome.embedNanos(),
                        outcome.writeNanos()));
            }
            return Optional.of(outcomes);
        }
    }

    /**
     * The store refuses this version itself: its older chunks must not stay either, so the document is removed at the
     * version's sequence, and the version fails with the store's reason (unless a later version is there already).
     * Empty when the batch was abandoned meanwhile.
     */
    private Optional<BatchIndexer.Outcome> failed(ChunkMessage message, RuntimeException refused) {
        Optional<ChunkedDocument> document = message instanceof ChunkedDocument d ? Optional.of(d) : Optional.empty();
        Optional<String> tenant = document.map(ChunkedDocument::tenant)
                .or(() -> message instanceof DocumentDeletion d ? d.tenant() : Optional.empty());
        Optional<BatchIndexer.Outcome> removed =
                retrying(List.of(new DocumentDeletion(message.docId(), message.sequence(), Instant.now(), tenant)));
        if (removed.isEmpty()) {
            return Optional.empty();
        }
        List<DocumentStatus> statuses = removed.get().superseded() > 0
                ? List.of()
                : List.of(DocumentStatus.failed(
                        message.docId(),
                        tenant,
                        document.map(ChunkedDocument::version),
                        Optional.of(message.sequence()),
                        refused.getMessage()));
        return Optional.of(new BatchIndexer.Outcome(
                statuses,
                List.of(new BatchIndexer.Rejection(0, refused)),
                0,
                removed.get().superseded(),
                0,
                0));
    }

    /**
     * Indexes the messages until that succeeds, waiting out outages with the partitions paused; empty when the batch was
     * abandoned (its partitions moved, or the loop is stopping).
     */
    private Optional<BatchIndexer.Outcome> retrying(List<ChunkMessage> messages) {
        Duration backoff = settings.retryInitial();
        int failures = 0;
        try {
            while (running.get()) {
                try {
                    Optional<BatchIndexer.Outcome> outcome = whilePolling(messages);
                    if (failures > 0) {
                        log.info("store and model answer again after {} failed attempts; resuming", failures);
                    }
                    return outcome;
                } catch (StoreUnavailableException | EmbeddingUnavailableException e) {
                    failures++;
                    healthy = false;
                    metrics.retry();
                    long wait = jittered(backoff);
                    log.warn("attempt={} failed, retrying in {} ms: {}", failures, wait, e.getMessage());
                    if (!waitPolling(wait)) {
                        return Optional.empty();
                    }
                    backoff = doubled(backoff);
                }
            }
            return Optional.empty();
        } finally {
            if (failures > 0) {
                healthy = true;
            }
        }
    }

    /**
     * Indexes the messages on the worker thread while this thread keeps polling the paused consumer: a batch that takes
     * longer than {@code max.poll.interval.ms} (large documents, a slow endpoint) neither drops this instance from the
     * group nor misses that its partitions moved. When they move, the batch is abandoned and told not to write once it is
     * embedded. A write already under way then is harmless: the store drops it when the new owner wrote a later version.
     */
    private Optional<BatchIndexer.Outcome> whilePolling(List<ChunkMessage> messages) {
        AtomicBoolean ours = new AtomicBoolean(true);
        long deadline = System.nanoTime() + settings.batchTimeout().toNanos();
        Future<Optional<BatchIndexer.Outcome>> done = worker.submit(() -> indexer.index(messages, ours::get));
        consumer.pause(consumer.assignment());
        try {
            while (true) {
                try {
                    Optional<BatchIndexer.Outcome> outcome = done.get(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    return ours.get() ? outcome : Optional.empty();
                } catch (TimeoutException stillWorking) {
                    if (System.nanoTime() > deadline) {
                        ours.set(false);
                        throw new BatchHangs(("a batch of %d records is not embedded and written after %s"
                                        + " (max.poll.interval.ms): the model or the store hangs; leaving the group,"
                                        + " so that the other instances take the partitions, and joining again")
                                .formatted(messages.size(), settings.batchTimeout()));
                    }
                    pollPaused(POLL);
                    if (!revoked.isEmpty() || !running.get()) {
                        // Not waited for: the loop goes on with what it still owns; the batch finds it may not write.
                        ours.set(false);
                        log.info(
                                "partitions {} moved while a batch was being indexed; it is left to their next owner",
                                revoked);
                        return Optional.empty();
                    }
                }
            }
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException failure -> throw failure;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ours.set(false);
            throw new WakeupException();
        } finally {
            consumer.resume(consumer.paused());
        }
    }

    /** Waits while polling the paused consumer, so the group does not consider it dead; false when the batch is lost. */
    private boolean waitPolling(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        consumer.pause(consumer.assignment());
        try {
            while (running.get() && System.nanoTime() < until) {
                pollPaused(Duration.ofMillis(
                        Math.max(1, Math.min(POLL.toMillis(), (until - System.nanoTime()) / 1_000_000))));
                if (!revoked.isEmpty()) {
                    log.info(
                            "partitions {} revoked while waiting; the batch in hand is left to their next owner",
                            revoked);
                    return false;
                }
            }
            return running.get();
        } finally {
            consumer.resume(consumer.paused());
        }
    }

    /**
     * Polls while the partitions in hand are paused, to stay in the group. Partitions assigned during the poll are not
     * paused (the cooperative and consumer protocols add partitions without revoking the others), so it may return their
     * records: they are put back, to be read with the next batch, never dropped.
     */
    private void pollPaused(Duration timeout) {
        var records = consumer.poll(timeout);
        if (!records.isEmpty()) {
            for (TopicPartition partition : records.partitions()) {
                consumer.seek(partition, records.records(partition).getFirst().offset());
            }
            consumer.pause(records.partitions());
        }
    }

    private Duration doubled(Duration backoff) {
        Duration twice = backoff.multipliedBy(2);
        return twice.compareTo(settings.retryMax()) > 0 ? settings.retryMax() : twice;
    }

    private static long jittered(Duration backoff) {
        long millis = backoff.toMillis();
        return millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1);
    }

    /** Moves every partition of an abandoned batch that is still ours back to its first record in the batch. */
    private void rewind(List<Pending> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        for (Pending pending : batch) {
            TopicPartition partition = new TopicPartition(
                    pending.record().topic(), pending.record().partition());
            first.merge(partition, pending.record().offset(), Math::min);
        }
        first.forEach((partition, offset) -> {
            if (consumer.assignment().contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
        consumer.resume(consumer.paused());
    }

    private void commit(List<Pending> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Set<TopicPartition> assigned = consumer.assignment();
        for (Pending pending : batch) {
            ConsumerRecord<String, byte[]> record = pending.record();
            TopicPartition partition = new TopicPartition(record.topic(), record.partition());
            if (!assigned.contains(partition) || revoked.contains(partition)) {
                // Its next owner reads it again from the offset committed before; committing here could move that back.
                continue;
            }
            offsets.merge(
                    partition, new OffsetAndMetadata(record.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        consumer.commitSync(offsets);
    }

    private Future<RecordMetadata> deadLetter(ConsumerRecord<String, byte[]> record, Exception error) {
        RecordHeaders headers = new RecordHeaders();
        DeadLetter.of(STAGE, error, record.topic(), record.partition(), record.offset())
                .writeTo(headers);
        Future<RecordMetadata> sent =
                send(new ProducerRecord<>(Topics.CHUNKS_DLQ, null, record.key(), record.value(), headers));
        metrics.deadLetter();
        log.warn(
                "dead-letter docId={} partition={} offset={} reason={}",
                record.key(),
                record.partition(),
                record.offset(),
                error.getMessage());
        return sent;
    }

    private Future<RecordMetadata> publishStatus(DocumentStatus status) {
        Future<RecordMetadata> sent =
                send(new ProducerRecord<>(Topics.STATUS, status.docId(), statuses.serialize(Topics.STATUS, status)));
        if (status.stage() == DocumentStatus.Stage.INDEXED) {
            log.info(
                    "indexed docId={} version={} chunks={}",
                    status.docId(),
                    status.version().orElse(""),
                    status.chunkCount().orElse(0));
        }
        return sent;
    }

    /** Sends the record; a send refused at once (no metadata in time, say) comes back as a failed future too. */
    private Future<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        try {
            return producer.send(record);
        } catch (KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The first failure among sends that {@code flush} has completed. */
    private static Optional<Throwable> firstFailure(List<Future<RecordMetadata>> sent) {
        for (Future<RecordMetadata> future : sent) {
            try {
                future.get();
            } catch (ExecutionException e) {
                return Optional.of(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }
}
