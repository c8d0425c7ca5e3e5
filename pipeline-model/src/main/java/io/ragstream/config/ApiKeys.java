package io.ragstream.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * API keys and the tenant each belongs to. Keys are compared by their sha256 in constant time, and every key is compared,
 * so the answer takes as long whichever key matches or none.
 */
public final class ApiKeys {

    private record Entry(byte[] hash, String tenant) {}

    private final List<Entry> entries;

    private ApiKeys(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * Keys from the {@code auth.keys} setting ({@code tenant:key,tenant:key}) and the {@code auth.keys-file} properties
     * file ({@code key=tenant} lines).
     */
    public static ApiKeys of(String inline, Optional<String> file) {
        List<Entry> entries = new ArrayList<>();
        for (String pair : inline.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1) {
                // Never repeat the value: without its colon, it may be a bare key.
                String shown = colon > 0 ? "'" + pair.substring(0, colon).strip() + ":****'" : "an entry without ':'";
                throw new IllegalArgumentException(
                        "auth.keys holds " + shown + ", not tenant:key; write auth.keys=tenant:key,tenant:key");
            }
            entries.add(new Entry(
                    hash(pair.substring(colon + 1).strip()),
                    pair.substring(0, colon).strip()));
        }
        file.ifPresent(path -> {
            Properties keys = new Properties();
            try (Reader reader = Files.newBufferedReader(Path.of(path))) {
                keys.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read auth.keys-file " + path + ": " + e.getMessage(), e);
            }
            keys.forEach((key, tenant) -> entries.add(
                    new Entry(hash(key.toString()), tenant.toString().strip())));
        });
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(
                    "no API keys are configured, so no request could be served; set auth.keys"
                            + " (RAGSTREAM_AUTH_KEYS=tenant:key) or auth.keys-file");
        }
        return new ApiKeys(entries);
    }

    /** The tenant of a presented key; empty for an unknown key. */
    public Optional<String> tenantOf(String presented) {
        byte[] candidate = hash(presented);
        String tenant = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.hash(), candidate) && tenant == null) {
                tenant = entry.tenant();
            }
        }
        return Optional.ofNullable(tenant);
    }

    private static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
