package io.ragstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigBinderTest {

    record Limits(int maxTokens, Duration parseTimeout) {}

    record Sample(String applicationId, Limits limits, Optional<String> apiKey) {}

    private static final Sample DEFAULTS =
            new Sample("ragstream-chunker", new Limits(510, Duration.ofSeconds(60)), Optional.empty());

    private final ConfigBinder binder = new ConfigBinder();

    @Test
    void defaultsApplyWhenNothingIsSet() {
        var bound = binder.bind(Sample.class, DEFAULTS, Optional.empty(), Map.of());

        assertThat(bound.config()).isEqualTo(DEFAULTS);
        assertThat(bound.kafka()).isEmpty();
    }

    @Test
    void fileOverridesDefaultsAndEnvironmentOverridesTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("chunker.properties");
        Files.writeString(file, """
                limits.max-tokens=256
                limits.parse-timeout=PT5S
                kafka.bootstrap.servers=file:9092
                kafka.num.stream.threads=2
                """);

        var bound = binder.bind(
                Sample.class,
                DEFAULTS,
                Optional.of(file),
                Map.of(
                        "RAGSTREAM_LIMITS_MAX_TOKENS", "128",
                        "RAGSTREAM_API_KEY", "s3cret",
                        "KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                        "PATH", "/usr/bin"));

        assertThat(bound.config())
                .isEqualTo(
                        new Sample("ragstream-chunker", new Limits(128, Duration.ofSeconds(5)), Optional.of("s3cret")));
        assertThat(bound.kafka())
                .containsExactlyInAnyOrderEntriesOf(Map.of("bootstrap.servers", "env:9092", "num.stream.threads", "2"));
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(ConfigBinder.envName("chunker.max-tokens")).isEqualTo("RAGSTREAM_CHUNKER_MAX_TOKENS");
    }

    @Test
    void unknownSettingInTheFileIsNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "limits.max-tokenz=10\n");

        assertThatThrownBy(() -> binder.bind(Sample.class, DEFAULTS, Optional.of(file), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'limits.max-tokenz'")
                .hasMessageContaining("limits.max-tokens");
    }

    @Test
    void malformedValueIsNamedWithItsKey() {
        assertThatThrownBy(() -> binder.bind(
                        Sample.class, DEFAULTS, Optional.empty(), Map.of("RAGSTREAM_LIMITS_MAX_TOKENS", "lots")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limits.max-tokens")
                .hasMessageContaining("lots");
    }

    @Test
    void descriptionMasksSecrets() {
        var bound = binder.bind(
                Sample.class,
                DEFAULTS,
                Optional.empty(),
                Map.of("RAGSTREAM_API_KEY", "s3cret", "KAFKA_SASL_JAAS_CONFIG", "user=x password=y"));

        String description = binder.describe(bound);

        assertThat(description)
                .contains("api-key=****", "kafka.sasl.jaas.config=****", "limits.max-tokens=510")
                .doesNotContain("s3cret", "password=y");
    }

    record Auth(String keys) {}

    record Service(Auth auth, String milvusUri, String model, String bootstrap) {}

    /**
     * Seen: a query service started with RAGSTREAM_AUTH_KEYS=acme:key logged the key whole, as the mask went by a list of
     * names. Key material and credentials in URIs are masked whatever the key is called.
     */
    @Test
    void descriptionMasksKeyMaterialAndUriCredentialsWhateverTheSettingIsCalled() {
        var bound = binder.bind(
                Service.class,
                new Service(new Auth(""), "", "bge-small-en-v1.5", "127.0.0.1:9092"),
                Optional.empty(),
                Map.of(
                        "RAGSTREAM_AUTH_KEYS", "acme:rk_live_8f3a9c2b71d04e5f,globex:Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==",
                        "RAGSTREAM_MILVUS_URI", "https://root:Milvus-Pass-1@milvus.example.com:19530"));

        String description = binder.describe(bound);

        assertThat(description)
                .doesNotContain("rk_live_8f3a9c2b71d04e5f", "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA", "Milvus-Pass-1", "root:")
                .contains("milvus-uri=https://****@milvus.example.com:19530")
                .contains("model=bge-small-en-v1.5", "bootstrap=127.0.0.1:9092");
    }
}
