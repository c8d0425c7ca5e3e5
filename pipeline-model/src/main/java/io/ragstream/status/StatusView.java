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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
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

    /** The first pause after the reader fails; it doubles with each failure in a row, up to {@link #LONGEST_PAUSE}. */
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);

    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private final Map<String, Object> settings;
    private final Function<Map<String, Object>, KafkaConsumer<String, byte[]>> consumers;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<String, Entry> documents = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final DocumentStatusSerde serde = new DocumentStatusSerde();
    private final Thread reader;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean caughtUp;
    private volatile boolean reading;
    private volatile boolean running = true;

    private StatusView(
            Map<String, ?> kafka,
            String topic,
            Function<Map<String, Object>, KafkaConsumer<String, byte[]>> consumers) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A position the brokers no longer know is read again from the beginning, never skipped to the end: statuses
        // applied twice change nothing, statuses skipped leave documents with none.
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        settings.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ragstream-status-view");
        this.settings = Map.copyOf(settings);
        this.consumers = consumers;
        this.topic = topic;
        this.reader = Thread.ofPlatform().daemon().name("status-view").unstarted(this::run);
    }

    /** Starts reading {@code topic} from its beginning; {@code kafka} needs at least {@code bootstrap.servers}. */
    public static StatusView start(Map<String, ?> kafka, String topic) {
        return start(
                kafka,
                topic,
                settings -> new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer()));
    }

    /** As {@link #start(Map, String)}, with the consumers made by {@code consumers} (a test injects faults there). */
    static StatusView start(
            Map<String, ?> kafka,
            String topic,
            Function<Map<String, Object>, KafkaConsumer<String, byte[]>> consumers) {
        StatusView view = new StatusView(kafka, topic, consumers);
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
     * Whether the view is reading the topic now: false from an unexpected error until it reads again (it starts over from
     * the beginning after a pause), so that a service's readiness shows a view that is falling behind.
     */
    public boolean reading() {
        return reading;
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

    /**
     * Reads until closed. An unexpected error (a broker refusing the reader, a bug) does not end the view: it says so,
     * pauses, and reads the topic again from the beginning with a new consumer. Statuses read twice change nothing.
     */
    private void run() {
        int failures = 0;
        while (running) {
            try (KafkaConsumer<String, byte[]> current = consumers.apply(settings)) {
                consumer = current;
                if (running) {
                    failures = read(current, failures);
                }
            } catch (RuntimeException e) {
                // When closing, this is close() waking the consumer; otherwise a failure, whatever woke it.
                if (running) {
                    failures = failed(e, failures);
                }
            }
        }
        reading = false;
    }

    /** Reads with one consumer until closed or until it fails; returns the failures in a row, 0 once it polled. */
    private int read(KafkaConsumer<String, byte[]> current, int failures) {
        List<TopicPartition> partitions = partitions(current);
        current.assign(partitions);
        current.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = current.endOffsets(partitions);
        log.info("status view reading topic={} partitions={}", topic, partitions.size());
        while (running) {
            var records = current.poll(Duration.ofMillis(500));
            reading = true;
            failures = 0;
            if (!records.isEmpty()) {
                lock.lock();
                try {
                    records.forEach(this::apply);
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            if (!caughtUp && end.entrySet().stream().allMatch(e -> current.position(e.getKey()) >= e.getValue())) {
                caughtUp = true;
                log.info("status view caught up documents={}", documents.size());
            }
        }
        return failures;
    }

    /** Says why the reader stopped and pauses before it reads again; returns the failures in a row. */
    private int failed(RuntimeException error, int failures) {
        reading = false;
        long pauseMs = Math.min(LONGEST_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(failures, 10));
        log.error(
                "status view stopped reading {}: {}; reading it again from the beginning in {} ms",
                topic,
                error.toString(),
                pauseMs,
                error);
        try {
            closed.await(pauseMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
        return failures + 1;
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> current) {
        while (running) {
            var infos = current.partitionsFor(topic, Duration.ofSeconds(30));
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
        KafkaConsumer<String, byte[]> current = consumer;
        closed.countDown();
        if (current != null) {
            try {
                current.wakeup();
            } catch (IllegalStateException alreadyClosed) {
                // the reader closed it after a failure and is making a new one, which sees that the view is closed
            }
        }
        try {
            reader.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
