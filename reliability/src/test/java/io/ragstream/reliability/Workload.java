package io.ragstream.reliability;

import io.ragstream.model.RawDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Creates, updates and deletes of raw documents, as an outside producer publishes them to {@code docs.raw}, in waves,
 * with the state the event log leaves: every document's latest version, or its deletion.
 */
final class Workload {

    /** One record for {@code docs.raw}: a version, or a tombstone (no document). */
    /** The tenant of every document of a workload. */
    static final String TENANT = "acme";

    record Event(String docId, Optional<RawDocument> document) {}

    private static final String[] WORDS = {
        "kafka",
        "stream",
        "vector",
        "index",
        "chunk",
        "document",
        "update",
        "delete",
        "tenant",
        "search",
        "fresh",
        "embedding",
        "partition",
        "offset",
        "commit",
        "store",
        "milvus",
        "lucene",
        "query",
        "context",
        "replica",
        "leader",
        "segment",
        "compaction",
        "schema",
        "record",
        "consumer",
        "producer",
        "batch",
        "latency"
    };

    private final Random random;
    private final int documents;
    private final Map<String, Optional<RawDocument>> expected = new LinkedHashMap<>();
    /** Every version published of each document, oldest first. */
    private final Map<String, List<RawDocument>> history = new LinkedHashMap<>();

    private final List<List<Event>> waves = new ArrayList<>();
    private int revision;

    private Workload(long seed, int documents) {
        this.random = new Random(seed);
        this.documents = documents;
    }

    /**
     * A first wave creating every document, then {@code waves - 1} waves each updating about a fifth of the documents,
     * deleting about a twentieth and re-creating some deleted ones.
     */
    static Workload generate(long seed, int documents, int waves) {
        Workload workload = new Workload(seed, documents);
        List<Event> first = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            first.add(workload.version(i));
        }
        workload.waves.add(first);
        for (int w = 1; w < waves; w++) {
            List<Event> wave = new ArrayList<>();
            for (int i = 0; i < documents / 5; i++) {
                wave.add(workload.version(workload.random.nextInt(documents)));
            }
            for (int i = 0; i < Math.max(1, documents / 20); i++) {
                wave.add(workload.delete(workload.random.nextInt(documents)));
            }
            workload.waves.add(wave);
        }
        return workload;
    }

    List<List<Event>> waves() {
        return waves;
    }

    /** Every document's final state: its latest version, or empty when it was deleted last. */
    Map<String, Optional<RawDocument>> expected() {
        return expected;
    }

    /**
     * The final state the store must hold after these waves, published in the order given: a tombstone deletes, and a
     * version replaces what is there unless it was fetched before the newest version already seen of its document (the
     * chunker's rule: fetch time decides between fetches, across deletions too). Waves made while a test runs (bursts,
     * stale republishes) are published between the generated ones, so the order of publishing decides, not the order
     * of making.
     */
    static Map<String, Optional<RawDocument>> stateAfter(List<List<Event>> published) {
        Map<String, Optional<RawDocument>> state = new LinkedHashMap<>();
        Map<String, Instant> newestFetch = new HashMap<>();
        for (List<Event> wave : published) {
            for (Event event : wave) {
                if (event.document().isEmpty()) {
                    state.put(event.docId(), Optional.empty());
                    continue;
                }
                RawDocument document = event.document().get();
                Instant newest = newestFetch.get(event.docId());
                if (newest == null || !document.fetchedAt().isBefore(newest)) {
                    state.put(event.docId(), event.document());
                    newestFetch.put(event.docId(), document.fetchedAt());
                }
            }
        }
        return state;
    }

    int events() {
        return waves.stream().mapToInt(List::size).sum();
    }

    private Event version(int number) {
        String key = "rel://doc-" + number;
        StringBuilder text = new StringBuilder("# Document " + number + "\n\n");
        // One document in eight is long enough to be cut into several chunks.
        boolean longOne = random.nextInt(8) == 0;
        int paragraphs = longOne ? 8 + random.nextInt(8) : 1 + random.nextInt(3);
        for (int p = 0; p < paragraphs; p++) {
            for (int w = 0; w < 20 + random.nextInt(60); w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            text.append("\n\n");
        }
        text.append("Revision ").append(revision++).append('.');
        RawDocument document = RawDocument.builder()
                .tenant(TENANT)
                .source("rel")
                .uri(key)
                .title("Document " + number)
                .text("text/markdown", text.toString())
                // Each version is fetched after the one before it, as a producer reading the source again would.
                .fetchedAt(Instant.parse("2026-11-22T10:00:00Z").plusSeconds(revision))
                .build();
        expected.put(document.docId(), Optional.of(document));
        history.computeIfAbsent(document.docId(), docId -> new ArrayList<>()).add(document);
        return new Event(document.docId(), Optional.of(document));
    }

    private Event delete(int number) {
        String docId = io.ragstream.model.Ids.docId("acme", "rel", "rel://doc-" + number);
        expected.put(docId, Optional.empty());
        return new Event(docId, Optional.empty());
    }

    int documents() {
        return documents;
    }

    /**
     * A wave that updates {@code count} documents {@code times} times each, one right after the other (the same
     * documents updated several times within a second).
     */
    List<Event> burst(int count, int times) {
        List<Event> wave = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int number = random.nextInt(documents);
            for (int t = 0; t < times; t++) {
                wave.add(version(number));
            }
        }
        waves.add(wave);
        return wave;
    }

    /**
     * A wave that publishes again, after newer ones, an older version of up to {@code count} documents (a slow re-crawl,
     * a second producer): it must change nothing, so the expected state stays as it is.
     */
    List<Event> stale(int count) {
        List<Event> wave = new ArrayList<>();
        for (List<RawDocument> versions : history.values()) {
            if (wave.size() == count) {
                break;
            }
            if (versions.size() > 1) {
                RawDocument older = versions.get(versions.size() - 2);
                wave.add(new Event(older.docId(), Optional.of(older)));
            }
        }
        waves.add(wave);
        return wave;
    }

    /** The same workload's first {@code count} waves, with the state they leave. */
    Workload upTo(int count) {
        Workload first = new Workload(0, documents);
        for (List<Event> wave : waves.subList(0, count)) {
            first.waves.add(wave);
            for (Event event : wave) {
                first.expected.put(event.docId(), event.document());
            }
        }
        return first;
    }
}
