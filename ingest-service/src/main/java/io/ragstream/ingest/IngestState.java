package io.ragstream.ingest;

import com.fasterxml.jackson.core.type.TypeReference;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;

/**
 * What one connector has published, by key (a canonical URL, a file path): the docId, the content hash and the fields
 * needed to ask whether it changed (ETag, Last-Modified, size and modification time). Kept in a JSON file that is
 * replaced atomically on every {@link #flush()}, so a crash leaves the previous complete state, never half of one.
 *
 * <p>A connector puts an entry only after its document was published, and flushes before it reports success: after a
 * crash it may publish a document again (harmless: the chunker skips a version it already has), never skip one.
 */
public final class IngestState implements AutoCloseable {

    /** What was last published for one key. */
    public record Entry(String docId, String contentHash, Map<String, String> attributes) {
        public Entry {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        }

        public Optional<String> attribute(String name) {
            return Optional.ofNullable(attributes.get(name));
        }
    }

    private static final TypeReference<TreeMap<String, Entry>> TYPE = new TypeReference<>() {};

    private final Optional<Path> file;
    private final ConcurrentMap<String, Entry> entries;
    private volatile boolean dirty;

    private IngestState(Optional<Path> file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = new ConcurrentHashMap<>(entries);
    }

    /** The state kept in the given file, created on the first flush when it does not exist. */
    public static IngestState open(Path file) {
        if (!Files.exists(file)) {
            return new IngestState(Optional.of(file), Map.of());
        }
        try {
            return new IngestState(Optional.of(file), Json.mapper().readValue(file.toFile(), TYPE));
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the ingest state " + file + " (" + e.getMessage()
                            + "); move it away to start over, which publishes every document again",
                    e);
        }
    }

    /** A state that lives only as long as the process: every run publishes everything once. */
    public static IngestState inMemory() {
        return new IngestState(Optional.empty(), Map.of());
    }

    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public void put(String key, Entry entry) {
        entries.put(key, entry);
        dirty = true;
    }

    public Optional<Entry> remove(String key) {
        Entry removed = entries.remove(key);
        if (removed != null) {
            dirty = true;
        }
        return Optional.ofNullable(removed);
    }

    /** Every key, e.g. to find the files or pages that have disappeared since the last run. */
    public Set<String> keys() {
        return Set.copyOf(entries.keySet());
    }

    /** The keys starting with a prefix (one root of the file loader, one site of the crawler). */
    public Set<String> keysStartingWith(String prefix) {
        return entries.keySet().stream().filter(k -> k.startsWith(prefix)).collect(Collectors.toUnmodifiableSet());
    }

    public int size() {
        return entries.size();
    }

    /** Writes the state to its file if it changed: to a temporary file first, then moved over the old one. */
    public synchronized void flush() {
        if (file.isEmpty() || !dirty) {
            return;
        }
        Path target = file.get();
        try {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = Files.createTempFile(parent, target.getFileName().toString(), ".tmp");
            dirty = false;
            Json.mapper().writeValue(temporary.toFile(), new TreeMap<>(entries));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            dirty = true;
            throw new UncheckedIOException("cannot write the ingest state " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        flush();
    }
}
