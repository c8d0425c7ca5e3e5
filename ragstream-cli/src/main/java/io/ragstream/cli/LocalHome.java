package io.ragstream.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * The local data directory ({@code ./.ragstream} by default): Kafka's logs, the Lucene index, the chunker's state, what
 * the ingest jobs published, the local API key, and where a running {@code ragstream up} listens.
 */
record LocalHome(Path root) {

    /** The tenant of everything {@code ragstream up} serves. */
    static final String TENANT = "default";

    private static final String ENDPOINTS = "endpoints.properties";

    Path kafka() {
        return root.resolve("kafka");
    }

    Path index() {
        return root.resolve("index");
    }

    Path chunkerState() {
        return root.resolve("chunker-state");
    }

    Path ingestState() {
        return root.resolve("ingest-state");
    }

    Path log() {
        return root.resolve("ragstream.log");
    }

    /** The API key of the local tenant: made on first use and kept, readable by this user only. */
    String apiKey() {
        Path file = root.resolve("api-key");
        try {
            if (Files.exists(file)) {
                return Files.readString(file).strip();
            }
            Files.createDirectories(root);
            byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            String key = "rs-" + HexFormat.of().formatHex(random);
            Files.writeString(file, key + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the file stays in the user's own directory.
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the API key in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Where a running {@code ragstream up} listens, so the other commands find it. */
    record Endpoints(String kafka, String queryUrl, String ingestUrl) {}

    void writeEndpoints(Endpoints endpoints) {
        Properties properties = new Properties();
        properties.setProperty("kafka", endpoints.kafka());
        properties.setProperty("query", endpoints.queryUrl());
        properties.setProperty("ingest", endpoints.ingestUrl());
        try (Writer out = Files.newBufferedWriter(root.resolve(ENDPOINTS))) {
            properties.store(out, "written by ragstream up while it runs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void clearEndpoints() {
        try {
            Files.deleteIfExists(root.resolve(ENDPOINTS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Endpoints> endpoints() {
        Path file = root.resolve(ENDPOINTS);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.of(new Endpoints(
                properties.getProperty("kafka"), properties.getProperty("query"), properties.getProperty("ingest")));
    }

    /** The running pipeline's endpoints, or an error that says to start it. */
    Endpoints requireRunning() {
        return endpoints()
                .orElseThrow(() -> new IllegalStateException("ragstream is not running from " + root.toAbsolutePath()
                        + ": start it with `./ragstream up` (or pass --kafka and --query-url)"));
    }
}
