package io.ragstream.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** A key given by its hash: {@code sha256:} and 64 hex digits. */
    private static final Pattern HASHED = Pattern.compile("sha256:([0-9a-fA-F]{64})");

    /**
     * Keys from the {@code auth.keys} setting ({@code tenant:key,tenant:key}) and the {@code auth.keys-file} file
     * ({@code key=tenant} lines; {@code #} starts a comment). A key may be given by its hash, {@code sha256:<64 hex>}, so
     * that no configuration holds a usable key: {@code echo -n "$KEY" | sha256sum}.
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
                    keyHash(pair.substring(colon + 1).strip()),
                    pair.substring(0, colon).strip()));
        }
        file.ifPresent(path -> entries.addAll(readFile(Path.of(path))));
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(
                    "no API keys are configured, so no request could be served; set auth.keys"
                            + " (RAGSTREAM_AUTH_KEYS=tenant:key) or auth.keys-file");
        }
        return new ApiKeys(entries);
    }

    /**
     * {@code key=tenant} lines, split at the last {@code =}: a tenant has none, while a base64 key may end with them
     * (a properties file would cut such a key at its first {@code =}).
     */
    private static List<Entry> readFile(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read auth.keys-file " + path + ": " + e.getMessage(), e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int equals = line.lastIndexOf('=');
            if (equals <= 0 || equals == line.length() - 1) {
                // Never repeat the line: it holds a key.
                throw new IllegalArgumentException(
                        "auth.keys-file %s line %d is not key=tenant; write one key=tenant per line (a key may be given as sha256:<64 hex digits>)"
                                .formatted(path, i + 1));
            }
            entries.add(new Entry(
                    keyHash(line.substring(0, equals).strip()),
                    line.substring(equals + 1).strip()));
        }
        return entries;
    }

    private static byte[] keyHash(String key) {
        Matcher hashed = HASHED.matcher(key);
        return hashed.matches() ? HexFormat.of().parseHex(hashed.group(1).toLowerCase(Locale.ROOT)) : hash(key);
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
