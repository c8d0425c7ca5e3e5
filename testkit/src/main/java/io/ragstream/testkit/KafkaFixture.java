package io.ragstream.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker for a test class: a single-node KRaft cluster inside the test JVM (Kafka's own test kit), or the
 * cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final KafkaFixture kafka = new KafkaFixture();}</pre>
 *
 * <p>Tests create their topics with {@link #uniqueName(String)} so they never see each other's records, also on a shared
 * external cluster.
 */
public final class KafkaFixture implements BeforeAllCallback, AfterAllCallback {

    /** Set to use an already running cluster instead of starting one. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private static final Logger log = LoggerFactory.getLogger(KafkaFixture.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private KafkaClusterTestKit cluster;
    private String bootstrapServers;
    private Admin admin;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start();
    }

    /** Starts the broker (or connects to the external cluster); for use outside JUnit, e.g. in benchmarks. */
    public void start() throws Exception {
        if (bootstrapServers != null) {
            return; // nested classes share the enclosing class's broker
        }
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            bootstrapServers = external;
            log.info("kafka=external bootstrap={}", bootstrapServers);
        } else {
            long start = System.nanoTime();
            cluster = startEmbeddedCluster();
            bootstrapServers = cluster.bootstrapServers();
            log.info(
                    "kafka=embedded-kraft bootstrap={} startMs={}",
                    bootstrapServers,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (context.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            return; // a nested class finished; the enclosing class still needs the broker
        }
        stop();
    }

    /** Stops the broker started by {@link #start()}. */
    public void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
            admin = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
        bootstrapServers = null;
    }

    /** The {@code bootstrap.servers} of the broker. */
    public String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException(
                    "KafkaFixture is not started: register it with @RegisterExtension on a static field");
        }
        return bootstrapServers;
    }

    /** A topic or group name no other test uses: {@code prefix-<random>}. */
    public String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates topics and waits until the broker has them. */
    public void createTopics(Collection<NewTopic> topics) {
        try {
            admin.createTopics(topics).all().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names(topics), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create topics " + names(topics) + " on " + bootstrapServers, e);
        }
    }

    public void createTopics(NewTopic... topics) {
        createTopics(List.of(topics));
    }

    /** An admin client for the broker, owned by the fixture. */
    public Admin admin() {
        return admin;
    }

    /** Producer settings for tests: every write acknowledged by the broker, idempotent. */
    public Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true);
    }

    /** Consumer settings for tests: reads a topic from its start, commits only when told to. */
    public Map<String, Object> consumerConfig(String groupId) {
        return Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
    }

    private static KafkaClusterTestKit startEmbeddedCluster() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build();
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                // One broker: internal topics cannot have more replicas than that.
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    private static List<String> names(Collection<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).toList();
    }
}
