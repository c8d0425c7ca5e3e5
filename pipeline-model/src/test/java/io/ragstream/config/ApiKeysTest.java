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

    /** A base64 key ends with '=': the file is split at the last '=', so the key stays whole. */
    @Test
    void aBase64KeyEndingInEqualsSignsIsReadWholeFromTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# keys of the partner teams\nc2VjcmV0LWtleS0xMjM==globex\nYWJjZGVmZ2g===initech\n");

        ApiKeys keys = ApiKeys.of("", Optional.of(file.toString()));

        assertThat(keys.tenantOf("c2VjcmV0LWtleS0xMjM=")).contains("globex");
        assertThat(keys.tenantOf("YWJjZGVmZ2g==")).contains("initech");
        assertThat(keys.tenantOf("c2VjcmV0LWtleS0xMjM")).isEmpty();
    }

    /** Operators may give a key by its sha256, so that no setting, file or environment holds a usable key. */
    @Test
    void aKeyGivenByItsSha256LetsTheKeyItselfIn(@TempDir Path dir) throws Exception {
        String hash = java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("acme-live-key-2f9c".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path file = dir.resolve("keys");
        Files.writeString(file, "sha256:" + hash.toUpperCase(java.util.Locale.ROOT) + "=globex\n");

        ApiKeys inline = ApiKeys.of("acme:sha256:" + hash, Optional.empty());
        ApiKeys fromFile = ApiKeys.of("", Optional.of(file.toString()));

        assertThat(inline.tenantOf("acme-live-key-2f9c")).contains("acme");
        assertThat(inline.tenantOf("sha256:" + hash))
                .as("the hash is not itself a key")
                .isEmpty();
        assertThat(fromFile.tenantOf("acme-live-key-2f9c")).contains("globex");
    }

    @Test
    void aMalformedLineOfTheFileIsNamedByNumberWithoutRepeatingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "good-key=acme\nbare-secret-key-without-tenant\n");

        assertThatThrownBy(() -> ApiKeys.of("", Optional.of(file.toString())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining("key=tenant")
                .hasMessageNotContaining("bare-secret");
    }
}
