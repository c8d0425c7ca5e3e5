package io.ragstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @Test
    void eachKeyMapsToItsTenantFromTheSettingAndTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys.properties");
        Files.writeString(file, "file-key=globex\n");

        ApiKeys keys = ApiKeys.of("acme:inline-key, initech:other-key", Optional.of(file.toString()));

        assertThat(keys.tenantOf("inline-key")).contains("acme");
        assertThat(keys.tenantOf("other-key")).contains("initech");
        assertThat(keys.tenantOf("file-key")).contains("globex");
        assertThat(keys.tenantOf("unknown")).isEmpty();
    }

    @Test
    void serviceWithoutAnyKeyRefusesToStartAndSaysWhatToSet() {
        assertThatThrownBy(() -> ApiKeys.of("", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RAGSTREAM_AUTH_KEYS=tenant:key");
    }

    @Test
    void malformedPairIsRefusedWithoutRepeatingTheSecret() {
        assertThatThrownBy(() -> ApiKeys.of("acme-super-secret-key", Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not tenant:key")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ApiKeys.of("acme:", Optional.empty())).hasMessageContaining("'acme:****'");
    }
}
