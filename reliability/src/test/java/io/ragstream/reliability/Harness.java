package io.ragstream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.model.DocumentStatus;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.RawDocumentSerde;
import io.ragstream.status.StatusView;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the reliability tests share: the services' settings, publishing a workload, waiting for the pipeline to settle. */
final class Harness {

    private Harness() {}

    /** Settings every child service gets: the broker, topics made by the test, quick failure detection. */
    static Map<String, String> common(String bootstrapServers) {
        Map<String, String> common = new HashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        common.put("RAGSTREAM_TOPICS_CREATE", "false");
        // A killed member's partitions move on after this, not the default 45 s.
        common.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
        common.put("KAFKA_HEARTBEAT_INTERVAL_MS", "1500");
        return common;
    }

    /** Where a test's child processes log: under target/, so the logs outlive the test's temporary directory. */
    static Path logs(String test) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "reliability-logs", test));
        try (var old = Files.list(dir)) {
            for (Path log : old.filter(f -> f.toString().endsWith(".log")).toList()) {
                Files.delete(log);
            }
        }
        return dir;
    }

    static ChildService chunker(Map<String, String> common, Path dir, Path logs) throws IOException {
        return chunker("chunker", common, dir, logs);
    }

    /** A chunker instance; instances share the application id, so they share the partitions. */
    static ChildService chunker(String name, Map<String, String> common, Path dir, Path logs) throws IOException {
        Map<String, String> env = new HashMap<>(common);
        env.put("RAGSTREAM_APPLICATION_ID", "reliability-chunker");
        env.put(
                "KAFKA_STATE_DIR",
                Files.createDirectories(dir.resolve(name + "-state")).toString());
        return new ChildService(name, "io.ragstream.chunker.ChunkerMain", env, logs.resolve(name + ".log"));
    }

    static ChildService embedder(Map<String, String> common, Path logs, String milvusUri, String collection)
            throws IOException {
        return embedder("embedder", common, logs, milvusUri, collection, Map.of());
    }

    /** An embedder instance; instances share the group id, so they share the partitions. */
    static ChildService embedder(
            String name,
            Map<String, String> common,
            Path logs,
            String milvusUri,
            String collection,
            Map<String, String> extra)
            throws IOException {
        Map<String, String> env = new HashMap<>(common);
        env.putAll(extra);
        env.put("RAGSTREAM_GROUP_ID", "reliability-embedder");
        env.put("RAGSTREAM_COLLECTION", collection);
        env.put("RAGSTREAM_HTTP_PORT", Integer.toString(freePort()));
        env.put("RAGSTREAM_STORE_KIND", "milvus");
        env.put("RAGSTREAM_STORE_MILVUS_URI", milvusUri);
        return new ChildService(name, "io.ragstream.embedder.EmbedderMain", env, logs.resolve(name + ".log"));
    }

    static KafkaProducer<String, byte[]> producer(String bootstrapServers) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        return new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes the events and waits until the brokers acknowledged every one: a send that failed (a node killed while
     * its batch was in flight and the delivery timeout passed) fails the test here, not later as a document the
     * pipeline seems to have lost.
     */
    static void publish(KafkaProducer<String, byte[]> producer, List<Workload.Event> events) {
        RawDocumentSerde serde = new RawDocumentSerde();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (Workload.Event event : events) {
            byte[] value = event.document()
                    .map(d -> serde.serialize(Topics.DOCS_RAW, d))
                    .orElse(null);
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.DOCS_RAW, event.docId(), value);
            if (value == null) {
                record.headers().add(Topics.TENANT_HEADER, Workload.TENANT.getBytes(StandardCharsets.UTF_8));
            }
            sends.add(producer.send(record));
        }
        producer.flush();
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).get();
            } catch (ExecutionException e) {
                throw new AssertionError(
                        "publishing " + events.get(i).docId() + " to " + Topics.DOCS_RAW + " failed: " + e.getCause(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while publishing", e);
            }
        }
    }

    /** Until every document's latest status is its last event's: indexed at its last version, or deleted. */
    static void awaitSettled(
            String bootstrap, StatusView statuses, Workload workload, List<ChildService> services, Duration within)
            throws InterruptedException {
        awaitSettled(bootstrap, statuses, workload.expected(), services, within);
    }

    /** Until every document's latest status is its expected final state's. */
    static void awaitSettled(
            String bootstrap,
            StatusView statuses,
            Map<String, Optional<RawDocument>> expected,
            List<ChildService> services,
            Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> waiting = List.of();
        while (System.nanoTime() < deadline) {
            waiting = expected.entrySet().stream()
                    .filter(e -> !settled(statuses.latest(e.getKey()), e.getValue()))
                    .map(Map.Entry::getKey)
                    .toList();
            if (waiting.isEmpty()) {
                return;
            }
            for (ChildService service : services) {
                assertThat(service.alive())
                        .as(service.name() + " died on its own; see " + service.log())
                        .isTrue();
            }
            Thread.sleep(250);
        }
        String first = waiting.getFirst();
        throw new AssertionError(waiting.size() + " documents did not reach their final state within " + within
                + "; their latest statuses, e.g.: "
                + waiting.subList(0, Math.min(5, waiting.size())).stream()
                        .map(docId -> docId + " "
                                + statuses.latest(docId).map(Harness::describe).orElse("(none)"))
                        .toList()
                + services.stream().map(service -> mentions(service, first)).reduce("", String::concat)
                + services.stream().map(Harness::warnings).reduce("", String::concat));
    }

    /** What a service logged of one document, so a failure in CI says which stage last saw it. */
    private static String mentions(ChildService service, String docId) {
        try {
            List<String> lines = Files.readAllLines(service.log(), StandardCharsets.ISO_8859_1).stream()
                    .filter(line -> line.contains(docId))
                    .toList();
            return "; " + service.name() + " logged of " + docId + ": "
                    + (lines.isEmpty()
                            ? "nothing"
                            : String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size())));
        } catch (IOException e) {
            return "; " + service.log() + " unreadable: " + e.getMessage();
        }
    }

    /** The last warnings and errors a service logged, so a failure in CI says what the services saw. */
    private static String warnings(ChildService service) {
        try {
            List<String> lines = Files.readAllLines(service.log(), StandardCharsets.ISO_8859_1).stream()
                    .filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .filter(line -> !line.contains("NetworkClient"))
                    .toList();
            return "; last warnings of " + service.name() + ": "
                    + String.join(" | ", lines.subList(Math.max(0, lines.size() - 6), lines.size()));
        } catch (IOException e) {
            return "; " + service.log() + " unreadable: " + e.getMessage();
        }
    }

    private static String describe(DocumentStatus status) {
        return status.stage()
                + status.version().map(v -> " version " + v).orElse("")
                + status.reason().map(r -> " (" + r + ")").orElse("");
    }

    private static boolean settled(Optional<DocumentStatus> status, Optional<RawDocument> expected) {
        if (status.isEmpty()) {
            return false;
        }
        if (expected.isEmpty()) {
            return status.get().stage() == DocumentStatus.Stage.DELETED;
        }
        return status.get().stage() == DocumentStatus.Stage.INDEXED
                && status.get().version().equals(Optional.of(expected.get().version()));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
