package io.ragstream.reliability;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.awaitility.Awaitility;

/**
 * A Kafka cluster of KRaft nodes, each a broker and a controller, each its own JVM started from Kafka's jars
 * ({@code kafka.Kafka}), so any of them can be killed with SIGKILL and started again on its data.
 */
final class KafkaCluster implements AutoCloseable {

    private final List<ChildService> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private KafkaCluster() {}

    /** Formats and starts {@code size} nodes under {@code dir}, and waits until every one of them answers. */
    static KafkaCluster start(int size, Path dir, Path logs) throws IOException {
        KafkaCluster cluster = new KafkaCluster();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            cluster.ports.add(Harness.freePort());
            controllers.add(Harness.freePort());
        }
        String voters = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> (i + 1) + "@127.0.0.1:" + controllers.get(i))
                .collect(Collectors.joining(","));
        String clusterId = Uuid.randomUuid().toString();
        for (int i = 0; i < size; i++) {
            int node = i + 1;
            Path data = Files.createDirectories(dir.resolve("kafka-" + node));
            Properties properties = new Properties();
            properties.put("process.roles", "broker,controller");
            properties.put("node.id", Integer.toString(node));
            properties.put(
                    "listeners",
                    "PLAINTEXT://127.0.0.1:" + cluster.ports.get(i) + ",CONTROLLER://127.0.0.1:" + controllers.get(i));
            properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + cluster.ports.get(i));
            properties.put("controller.listener.names", "CONTROLLER");
            properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            properties.put("controller.quorum.voters", voters);
            properties.put("log.dirs", data.toString());
            properties.put("default.replication.factor", Integer.toString(size));
            properties.put("min.insync.replicas", Integer.toString(Math.min(2, size)));
            properties.put("offsets.topic.replication.factor", Integer.toString(size));
            properties.put("transaction.state.log.replication.factor", Integer.toString(size));
            properties.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, size)));
            properties.put("share.coordinator.state.topic.replication.factor", Integer.toString(size));
            properties.put("share.coordinator.state.topic.min.isr", Integer.toString(Math.min(2, size)));
            properties.put("group.initial.rebalance.delay.ms", "0");
            properties.put("auto.create.topics.enable", "false");
            properties.put("unclean.leader.election.enable", "false");
            properties.put("message.max.bytes", Integer.toString(io.ragstream.model.Topics.MAX_MESSAGE_BYTES + 1024));
            Path config = data.resolve("server.properties");
            try (var out = Files.newBufferedWriter(config)) {
                properties.store(out, "ragstream reliability: Kafka node " + node);
            }
            format(clusterId, node, data);
            ChildService process = new ChildService(
                    "kafka-" + node,
                    "kafka.Kafka",
                    List.of(config.toString()),
                    Map.of(),
                    logs.resolve("kafka-" + node + ".log"));
            cluster.nodes.add(process);
        }
        cluster.nodes.forEach(ChildService::start);
        cluster.awaitNodes(size);
        return cluster;
    }

    private static void format(String clusterId, int node, Path data) {
        try {
            new Formatter()
                    .setClusterId(clusterId)
                    .setNodeId(node)
                    .setDirectories(List.of(data.toString()))
                    .setMetadataLogDirectory(data.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka node " + node + " at " + data + ": " + e, e);
        }
    }

    String bootstrapServers() {
        return ports.stream().map(port -> "127.0.0.1:" + port).collect(Collectors.joining(","));
    }

    int size() {
        return nodes.size();
    }

    /** SIGKILL of node {@code id} (1-based). */
    void kill(int id) throws InterruptedException {
        nodes.get(id - 1).kill();
    }

    /** Starts node {@code id} again on its data, and waits until the cluster counts it again. */
    void restart(int id) {
        nodes.get(id - 1).start();
        awaitNodes(nodes.size());
    }

    /** The node that leads a partition now. */
    int leaderOf(String topic, int partition) throws Exception {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .get(partition)
                    .leader()
                    .id();
        }
    }

    Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
    }

    private void awaitNodes(int count) {
        Awaitility.await("Kafka cluster of " + count + " nodes")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    try (Admin admin = admin()) {
                        return admin.describeCluster()
                                        .nodes()
                                        .get(10, TimeUnit.SECONDS)
                                        .size()
                                == count;
                    }
                });
    }

    @Override
    public void close() {
        nodes.forEach(ChildService::close);
    }
}
