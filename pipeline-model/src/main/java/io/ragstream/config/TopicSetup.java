package io.ragstream.config;

import io.ragstream.model.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The {@code topics.*} settings every service shares: whether to create the pipeline's missing topics at start-up, and
 * with how many partitions and replicas.
 *
 * @param create false where topics are managed elsewhere (Strimzi KafkaTopic resources, for example)
 */
public record TopicSetup(boolean create, int partitions, short replicationFactor) {

    public static TopicSetup defaults() {
        return new TopicSetup(true, 6, (short) 1);
    }

    /**
     * Creates the missing topics when configured to; the admin client gets the {@code kafka.*} settings it knows
     * (servers, security), so it connects as the service does.
     *
     * @return the topics it created
     */
    public List<String> apply(Map<String, String> kafka) {
        if (!create) {
            return List.of();
        }
        Map<String, Object> admin = new HashMap<>();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        try (Admin client = Admin.create(admin)) {
            return Topics.ensure(client, partitions, replicationFactor, Duration.ofSeconds(60));
        }
    }
}
