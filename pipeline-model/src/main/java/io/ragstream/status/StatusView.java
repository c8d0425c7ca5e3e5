package io.ragstream.status;

import io.ragstream.model.DocumentStatus;
import io.ragstream.model.DocumentStatus.Stage;
import io.ragstream.model.Topics;
import io.ragstream.model.json.DocumentStatusSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest {@link DocumentStatus} of every document, read from the compacted {@code ragstream.status} topic from its
 * beginning by a consumer without a group (every instance of a service reads everything), and kept in memory: a few
 * hundred bytes per document.
 *
 * <p>Two stages (and, while a rebalance settles, two instances of one stage) write a document's statuses independently,
 * so they arrive in any order. The view orders them by the version's sequence, never by arrival: the latest status is
 * the one of the highest sequence, and a version is superseded only when a status of a higher sequence says the store no
 * longer holds it. Beside the latest status it remembers the last few versions of each document and the stage each
 * reached, so that {@link #awaitVersion} can tell "this version is indexed" from "a newer version replaced it" and "it
 * failed".
 */
public final class StatusView implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StatusView.class);
    /** Versions remembered per document: enough to see one replaced by a newer one while a reader waits. */
    private static final int VERSIONS_KEPT = 4;

    /** Where a waited-for version ended. */
    public enum Outcome {
        /** The version is in the store. */
        INDEXED,
        /** The version was seen, then a newer version was indexed or the document was deleted. */
        SUPERSEDED,
        /** The version could not be indexed; the status says why. */
        FAILED,
        /** The time ran out first. */
        PENDING
    }

    /** The outcome of a wait, with the document's latest status when there is one. */
    public record Wait(Outcome outcome, Optional<DocumentStatus> latest) {}

    /** Sequences are never negative; a status that carries none sorts below every one that does. */
    private static final long NO_SEQUENCE = -1;

    private record Seen(String version, long sequence, Stage stage, Optional<String> tenant) {}

    /**
     * @param settledUpTo the highest sequence of a status that says what the store holds (indexed, deleted, failed)
     */
    private record Entry(DocumentStatus latest, List<Seen> versions, long settledUpTo) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<String, Entry> documents = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final DocumentStatusSerde serde = new DocumentStatusSerde();
    private final Thread reader;
    private volatile boolean caughtUp;
    private volatile boolean running = true;

    private StatusView(Map<String, ?> kafka, String topic) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ragstream-status-view");
        this.consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.reader = Thread.ofPlatform().daemon().name("status-view").unstarted(this::run);
    }

    /** Starts reading {@code topic} from its beginning; {@code kafka} needs at least {@code bootstrap.servers}. */
    public static StatusView start(Map<String, ?> kafka, String topic) {
        StatusView view = new StatusView(kafka, topic);
        view.reader.start();
        return view;
    }

    /** Reads {@link Topics#STATUS}. */
    public static StatusView start(Map<String, ?> kafka) {
        return start(kafka, Topics.STATUS);
    }

    /** The latest status of a document, if any stage has reported one. */
    public Optional<DocumentStatus> latest(String docId) {
        return Optional.ofNullable(documents.get(docId)).map(Entry::latest);
    }

    /** Whether the view has read everything that was on the topic when it started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /**
     * Waits until the given version of the document is indexed, replaced, failed, or the timeout passes, whichever tenant
     * the document belongs to: for tools that serve one operator (the CLI, the tests, the benchmarks).
     */
    public Wait awaitVersion(String docId, String version, Duration timeout) throws InterruptedException {
        return await(Optional.empty(), docId, version, timeout);
    }

    /**
     * As {@link #awaitVersion(String, String, Duration)}, for a caller who speaks for {@code tenant}: the statuses of
     * another tenant's document are as if there were none (the wait runs to its timeout and shows no stage), since
     * docIds can be computed from a tenant's name and a URL.
     */
    public Wait awaitVersion(String tenant, String docId, String version, Duration timeout)
            throws InterruptedException {
        return await(Optional.of(tenant), docId, version, timeout);
    }

    private Wait await(Optional<String> tenant, String docId, String version, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                Entry entry = documents.get(docId);
                Optional<DocumentStatus> latest = Optional.ofNullable(entry)
                        .map(Entry::latest)
                        .filter(status -> tenant.isEmpty() || status.tenant().equals(tenant));
                Optional<Outcome> outcome = outcome(entry, version, tenant);
                if (outcome.isPresent()) {
                    return new Wait(outcome.get(), latest);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return new Wait(Outcome.PENDING, latest);
                }
                changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private static Optional<Outcome> outcome(Entry entry, String version, Optional<String> tenant) {
        if (entry == null) {
            return Optional.empty();
        }
        Optional<Seen> found = entry.versions().stream()
                .filter(seen -> seen.version().equals(version))
                .filter(seen -> tenant.isEmpty() || seen.tenant().equals(tenant))
                .findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Seen seen = found.get();
        if (seen.stage() == Stage.SUPERSEDED || entry.settledUpTo() > seen.sequence()) {
            return Optional.of(Outcome.SUPERSEDED);
        }
        return switch (seen.stage()) {
            case INDEXED -> Optional.of(Outcome.INDEXED);
            case FAILED -> Optional.of(Outcome.FAILED);
            default -> Optional.empty();
        };
    }

    private void run() {
        try {
            List<TopicPartition> partitions = partitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            log.info("status view reading topic={} partitions={}", topic, partitions.size());
            while (running) {
                var records = consumer.poll(Duration.ofMillis(500));
                if (!records.isEmpty()) {
                    lock.lock();
                    try {
                        records.forEach(this::apply);
                        changed.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    log.info("status view caught up documents={}", documents.size());
                }
            }
        } catch (WakeupException stopping) {
            // close() was called
        } catch (RuntimeException e) {
            log.error("status view stopped reading {}: {}", topic, e.toString(), e);
        } finally {
            consumer.close();
        }
    }

    private List<TopicPartition> partitions() {
        while (running) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            log.warn("topic {} does not exist yet; waiting for it", topic);
            try {
                TimeUnit.SECONDS.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            documents.remove(record.key());
            return;
        }
        DocumentStatus status;
        try {
            status = serde.deserialize(record.topic(), record.value());
        } catch (SerializationException | IllegalArgumentException e) {
            log.warn(
                    "unreadable status record partition={} offset={}: {}",
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return;
        }
        documents.compute(record.key(), (docId, entry) -> entry == null ? first(status) : next(entry, status));
    }

    private static Entry first(DocumentStatus status) {
        return new Entry(status, List.of(seen(status)), settled(status));
    }

    /** The entry after one more status, which may be older than what the entry holds: sequences decide, not arrival. */
    private static Entry next(Entry entry, DocumentStatus status) {
        Seen incoming = seen(status);
        List<Seen> versions = new ArrayList<>(entry.versions());
        Optional<Seen> known = versions.stream()
                .filter(seen -> seen.version().equals(incoming.version()))
                .findFirst();
        if (known.isEmpty() || later(incoming, known.get())) {
            known.ifPresent(versions::remove);
            versions.add(incoming);
            versions.sort(java.util.Comparator.comparingLong(Seen::sequence));
            if (versions.size() > VERSIONS_KEPT) {
                versions.removeFirst();
            }
        }
        DocumentStatus latest = entry.latest();
        boolean newer = status.stage() != Stage.SUPERSEDED
                && (status.sequence().isEmpty() || latest.stage() == Stage.SUPERSEDED || later(incoming, seen(latest)));
        return new Entry(
                newer ? status : latest, List.copyOf(versions), Math.max(entry.settledUpTo(), settled(status)));
    }

    /** Whether {@code a} comes after {@code b}: a higher sequence, or the same one at a later stage. */
    private static boolean later(Seen a, Seen b) {
        return a.sequence() > b.sequence()
                || (a.sequence() == b.sequence()
                        && a.stage().ordinal() >= b.stage().ordinal());
    }

    private static Seen seen(DocumentStatus status) {
        // A deletion carries no version; it is remembered under an empty one.
        return new Seen(
                status.version().orElse(""), status.sequence().orElse(NO_SEQUENCE), status.stage(), status.tenant());
    }

    private static long settled(DocumentStatus status) {
        return status.stage().settled() ? status.sequence().orElse(NO_SEQUENCE) : NO_SEQUENCE;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
