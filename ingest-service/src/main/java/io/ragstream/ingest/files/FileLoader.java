package io.ragstream.ingest.files;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.DocumentTooLargeException;
import io.ragstream.ingest.IngestCounters;
import io.ragstream.ingest.IngestState;
import io.ragstream.ingest.MediaTypes;
import io.ragstream.model.ContractViolationException;
import io.ragstream.model.Ids;
import io.ragstream.model.RawDocument;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the files under the configured roots into a {@link DocumentSink}: once with {@link #scan()}, or continuously with
 * {@link #watch()} or {@link #start()}, which follow file-system events and rescan periodically.
 *
 * <p>Every file is keyed by its {@code file:} URI, which is also the document's uri. A file is read again only when its
 * size or modification time changed, and published only when its content hash changed; the {@link IngestState} keeps
 * both, so a restart publishes nothing that is already there. A file that is gone, or no longer matches the globs, is
 * deleted with a tombstone. Only files whose real path lies inside a root are read: symbolic links are followed inside a
 * root and refused when they lead out of it.
 *
 * <p>The loader does not own the sink or the state: whoever made them closes them, after {@link #close()}.
 */
public final class FileLoader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileLoader.class);

    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);
    /**
     * A file modified this close to when it was read may be written again within the same timestamp tick, leaving size
     * and modification time unchanged; its modification time is not remembered, so the next check reads it again.
     */
    private static final Duration RACY_WINDOW = Duration.ofSeconds(2);

    /** The reason media files are counted under in the summary. */
    public static final String SKIPPED_MEDIA = "media";
    /** What the summary calls style sheets it skipped. */
    public static final String SKIPPED_STYLE_SHEETS = "style sheets";

    private static final String SIZE = "size";
    private static final String MODIFIED = "modified";

    private final FileLoaderConfig config;
    private final DocumentSink sink;
    private final IngestState state;
    private final IngestCounters counters;
    private final List<Root> roots;
    private final PathFilter filter;
    /** Scans and event handling never run at once: each checks the state and then changes it. */
    private final Object work = new Object();

    private final AtomicBoolean watching = new AtomicBoolean();
    private volatile boolean closed;
    private volatile WatchService watcher;
    private volatile Thread watchThread;
    private long lastProgressNanos;

    /**
     * @param config the roots, globs and limits; every root must be an existing directory, and no root inside another
     * @param counters kept current as files are handled, for a progress line printed by another thread
     */
    public FileLoader(FileLoaderConfig config, DocumentSink sink, IngestState state, IngestCounters counters) {
        this.config = config;
        this.sink = sink;
        this.state = state;
        this.counters = counters;
        this.roots = roots(config.roots());
        this.filter = new PathFilter(roots.getFirst().path().getFileSystem(), config.include(), config.exclude());
    }

    /**
     * Walks every root once: publishes new and changed files, a tombstone for every published file that is gone, and
     * flushes the state. A failure of the sink other than a too-large document ends the scan, since every following
     * file would fail the same way; what was published until then is kept in the state.
     */
    public FileLoadSummary scan() {
        if (closed) {
            throw new IllegalStateException("this file loader is closed");
        }
        return scanAll();
    }

    /**
     * Scans, then follows file-system events until {@link #close()}: a created or modified file is published once it
     * stayed unchanged for the settle delay, a deleted one gets a tombstone, a new directory is walked and watched. Lost
     * events (overflow) and changes events cannot see (network file systems) are caught by a rescan, at once and every
     * rescan interval.
     */
    public void watch() {
        if (!watching.compareAndSet(false, true)) {
            throw new IllegalStateException("this file loader is already watching");
        }
        try (WatchService service = roots.getFirst().path().getFileSystem().newWatchService()) {
            watcher = service;
            if (!closed) {
                followEvents(service);
            }
        } catch (ClosedWatchServiceException e) {
            log.debug("files watch stopped");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the file roots " + config.roots() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watcher = null;
            synchronized (work) {
                state.flush();
            }
        }
    }

    /** Runs {@link #watch()} on its own thread until {@link #close()}. */
    public synchronized void start() {
        if (watchThread != null) {
            throw new IllegalStateException("this file loader is already watching");
        }
        watchThread = Thread.ofPlatform().name("ragstream-files-watch").start(() -> {
            try {
                watch();
            } catch (RuntimeException e) {
                log.error("files watch ended: {}", e.toString(), e);
            }
        });
    }

    /** Stops watching, waits for the file in hand to be finished, and flushes the state. */
    @Override
    public void close() {
        closed = true;
        WatchService service = watcher;
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                log.warn("files cannot close the watch service: {}", e.toString());
            }
        }
        Thread thread = watchThread;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (work) {
            state.flush();
        }
    }

    private FileLoadSummary scanAll() {
        synchronized (work) {
            long start = System.nanoTime();
            FileLoadSummary before = FileLoadSummary.snapshot(counters);
            lastProgressNanos = start;
            try {
                for (Root root : roots) {
                    reconcile(root, root.path());
                }
            } finally {
                state.flush();
            }
            FileLoadSummary summary =
                    FileLoadSummary.since(before, counters, Duration.ofNanos(System.nanoTime() - start));
            log.info(
                    "files scan done roots={} seen={} published={} deleted={} unchanged={} skipped={} failed={} tookMs={}",
                    config.roots(),
                    summary.seen(),
                    summary.published(),
                    summary.deleted(),
                    summary.unchanged(),
                    summary.skipped(),
                    summary.failed(),
                    summary.took().toMillis());
            return summary;
        }
    }

    private void followEvents(WatchService service) throws InterruptedException {
        long settleNanos = config.settleDelay().toNanos();
        Map<Path, Long> settling = new LinkedHashMap<>();
        long nextRescan = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            if (now - nextRescan >= 0) {
                rescan();
                nextRescan = System.nanoTime() + config.rescanInterval().toNanos();
                continue;
            }
            reconcileSettled(settling, now);
            long wakeAt = nextRescan;
            for (long deadline : settling.values()) {
                wakeAt = deadline - wakeAt < 0 ? deadline : wakeAt;
            }
            WatchKey key = service.poll(Math.max(1, wakeAt - System.nanoTime()), TimeUnit.NANOSECONDS);
            for (; key != null; key = service.poll()) {
                Path directory = (Path) key.watchable();
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == OVERFLOW) {
                        log.info("files watch lost events dir={}; rescanning", directory);
                        nextRescan = System.nanoTime();
                    } else {
                        settling.put(directory.resolve((Path) event.context()), System.nanoTime() + settleNanos);
                    }
                }
                key.reset();
            }
        }
    }

    private void rescan() {
        try {
            scanAll();
        } catch (RuntimeException e) {
            counters.failed(String.valueOf(config.roots()), "the scan failed: " + e.getMessage());
            log.error("files scan failed: {}; retrying in {}", e.getMessage(), config.rescanInterval(), e);
        }
    }

    private void reconcileSettled(Map<Path, Long> settling, long now) {
        for (Iterator<Map.Entry<Path, Long>> it = settling.entrySet().iterator(); it.hasNext() && !closed; ) {
            Map.Entry<Path, Long> entry = it.next();
            if (now - entry.getValue() < 0) {
                continue;
            }
            it.remove();
            Path path = entry.getKey();
            Optional<Root> root =
                    roots.stream().filter(r -> path.startsWith(r.path())).findFirst();
            if (root.isEmpty()) {
                continue;
            }
            try {
                synchronized (work) {
                    reconcile(root.get(), path);
                    state.flush();
                }
            } catch (RuntimeException e) {
                counters.failed(path.toString(), "not published: " + e.getMessage());
                log.error(
                        "files change not published path={} error={}; the rescan in {} tries again",
                        path,
                        e.getMessage(),
                        config.rescanInterval(),
                        e);
            }
        }
    }

    /**
     * Brings the documents under one path (the root, a directory or a single file) in line with the disk: publishes
     * what is new or changed and a tombstone for each published key under the path that the walk did not find.
     */
    private void reconcile(Root root, Path start) {
        if (start.equals(root.path()) && !Files.isDirectory(start)) {
            counters.failed(start.toString(), "missing or not a directory");
            log.warn(
                    "files root={} is missing or not a directory; its {} published documents are kept until it is back",
                    start,
                    state.keysStartingWith(root.keyPrefix()).size());
            return;
        }
        Walk walk = new Walk(root, start);
        try {
            Files.walkFileTree(start, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, walk);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot walk " + start + ": " + e.getMessage(), e);
        }
        if (walk.complete) {
            publishDeletions(walk);
        }
    }

    private void publishDeletions(Walk walk) {
        String under = subtreeKey(walk.start);
        List<String> gone = state.keysStartingWith(under).stream()
                .filter(key -> isAtOrBelow(key, under))
                .filter(key -> !walk.live.contains(key))
                .filter(key -> walk.unreadable.stream().noneMatch(u -> isAtOrBelow(key, u)))
                .sorted()
                .toList();
        for (String key : gone) {
            Optional<IngestState.Entry> entry = state.get(key);
            if (entry.isEmpty()) {
                continue;
            }
            sink.delete(entry.get().docId(), config.tenant());
            state.remove(key);
            counters.deleted();
            log.debug("files deleted uri={} docId={}", key, entry.get().docId());
        }
    }

    private void load(Root root, Path file, Path relative, String key, BasicFileAttributes attributes) {
        counters.seen();
        Optional<IngestState.Entry> previous = state.get(key);
        String contentType = FileTypes.contentType(file);
        boolean media = MediaTypes.isMedia(contentType);
        if (!config.includeMedia() && (media || MediaTypes.isStyleSheet(contentType))) {
            counters.skippedAs(media ? SKIPPED_MEDIA : SKIPPED_STYLE_SHEETS);
            log.debug(
                    "files skipped path={} reason=an image, audio, video, font or style sheet (files.include-media)",
                    file);
            if (previous.isPresent()) {
                // Published before media were skipped: it leaves the knowledge base.
                sink.delete(previous.get().docId(), config.tenant());
                state.remove(key);
                counters.deleted();
            }
            return;
        }
        if (attributes.size() > config.maxFileBytes()) {
            skipTooLarge(file, attributes.size());
            return;
        }
        Map<String, String> seen = Map.of(
                SIZE, Long.toString(attributes.size()),
                MODIFIED, attributes.lastModifiedTime().toString());
        if (previous.isPresent() && previous.get().attributes().equals(seen)) {
            counters.unchanged();
            return;
        }
        Instant readAt = Instant.now();
        byte[] bytes;
        try {
            bytes = read(root, file);
        } catch (IOException e) {
            counters.failed(file.toString(), "cannot be read: " + e);
            log.warn("files cannot read path={} error={}; its published version is kept", file, e.toString());
            return;
        }
        if (bytes.length > config.maxFileBytes()) {
            skipTooLarge(file, bytes.length);
            return;
        }
        if (bytes.length == 0) {
            // Nothing to index: a file emptied since it was published leaves the knowledge base.
            if (previous.isPresent()) {
                sink.delete(previous.get().docId(), config.tenant());
                state.remove(key);
                counters.deleted();
                log.info("files deleted path={} reason=it is empty now: nothing to index", file);
            } else {
                refuse(file, "it is empty: nothing to index");
            }
            return;
        }
        Map<String, String> remembered =
                attributes.lastModifiedTime().toInstant().isAfter(readAt.minus(RACY_WINDOW))
                        ? Map.of(SIZE, Long.toString(attributes.size()))
                        : seen;
        String hash = Ids.contentHash(bytes);
        if (previous.isPresent() && previous.get().contentHash().equals(hash)) {
            state.put(key, new IngestState.Entry(previous.get().docId(), hash, remembered));
            counters.unchanged();
            return;
        }
        RawDocument document = document(root, file, relative, key, bytes, attributes);
        try {
            sink.publish(document);
        } catch (DocumentTooLargeException e) {
            counters.skipped(file.toString(), e.getMessage());
            log.warn("files skipped path={} reason={}", file, e.getMessage());
            return;
        } catch (ContractViolationException e) {
            // One file the contract refuses must not stop the scan of the others.
            counters.failed(file.toString(), e.getMessage());
            log.warn("files refused path={} reason={}", file, e.getMessage());
            return;
        }
        state.put(key, new IngestState.Entry(document.docId(), document.contentHash(), remembered));
        counters.published();
        log.debug("files published uri={} docId={} bytes={}", key, document.docId(), bytes.length);
    }

    /** Reads a file through its real path, checked to lie inside the root at the moment it is opened. */
    private byte[] read(Root root, Path file) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(root.realPath())) {
            throw new AccessDeniedException(file.toString(), real.toString(), "outside the root " + root.path());
        }
        try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(Math.toIntExact(Math.min(config.maxFileBytes() + 1, Integer.MAX_VALUE - 8)));
        }
    }

    private RawDocument document(
            Root root, Path file, Path relative, String key, byte[] bytes, BasicFileAttributes attributes) {
        String contentType = FileTypes.contentType(file);
        RawDocument.Builder builder = RawDocument.builder()
                .tenant(config.tenant())
                .source(config.source())
                .uri(key)
                .title(file.getFileName().toString())
                .metadata(Map.of(
                        "root", root.path().toString(),
                        "path", relative.toString().replace(File.separatorChar, '/'),
                        "modified", attributes.lastModifiedTime().toInstant().toString()));
        Optional<String> text = MediaTypes.asText(contentType, bytes);
        if (text.isPresent()) {
            builder.text(contentType, text.get());
        } else {
            builder.bytes(contentType, bytes);
        }
        return builder.build();
    }

    private void skipTooLarge(Path file, long size) {
        counters.skipped(
                file.toString(),
                "it is %d bytes, above files.max-file-bytes=%d; raise the limit or split the file"
                        .formatted(size, config.maxFileBytes()));
        log.warn(
                "files skipped path={} reason=it is {} bytes, above files.max-file-bytes={}; raise the limit or split the file",
                file,
                size,
                config.maxFileBytes());
    }

    private void refuse(Path path, String reason) {
        counters.skipped(path.toString(), reason);
        log.warn("files skipped path={} reason={}", path, reason);
    }

    private void registerForEvents(Path directory) {
        WatchService service = watcher;
        if (service == null) {
            return;
        }
        try {
            directory.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
        } catch (ClosedWatchServiceException e) {
            log.debug("files watch closed while registering dir={}", directory);
        } catch (IOException e) {
            log.warn(
                    "files cannot watch dir={} error={}; its changes are found by the rescan every {} (on Linux, raise fs.inotify.max_user_watches)",
                    directory,
                    e.toString(),
                    config.rescanInterval());
        }
    }

    private void logProgress(Root root) {
        long now = System.nanoTime();
        if (now - lastProgressNanos >= PROGRESS_INTERVAL.toNanos()) {
            lastProgressNanos = now;
            state.flush();
            log.info("files scan in progress root={} {}", root.path(), counters.line("files"));
        }
    }

    /** The key of a file: the {@code file:} URI of its absolute, normalised path inside its root. */
    private static String key(Path file) {
        return file.toUri().toString();
    }

    /** The key of a path with no trailing slash, which {@code toUri()} adds to existing directories. */
    private static String subtreeKey(Path path) {
        String uri = key(path);
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private static boolean isAtOrBelow(String key, String subtree) {
        return key.equals(subtree) || key.startsWith(subtree + "/");
    }

    private static List<Root> roots(List<Path> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("files.roots is empty; name at least one directory to load");
        }
        List<Root> roots = new ArrayList<>();
        for (Path path : configured) {
            Path absolute = path.toAbsolutePath().normalize();
            Path real;
            try {
                real = absolute.toRealPath();
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        "files root " + absolute + " cannot be read (" + e
                                + "); create it or remove it from files.roots",
                        e);
            }
            if (!Files.isDirectory(real)) {
                throw new IllegalArgumentException(
                        "files root " + absolute + " is not a directory; name the directory that holds the files");
            }
            for (Root other : roots) {
                if (real.startsWith(other.realPath()) || other.realPath().startsWith(real)) {
                    throw new IllegalArgumentException(
                            "files roots " + other.path() + " and " + absolute + " overlap; keep only the outer one");
                }
            }
            roots.add(new Root(absolute, real, subtreeKey(absolute) + "/"));
        }
        return List.copyOf(roots);
    }

    /** One configured root: the path documents are named by, and its real path, which bounds what may be read. */
    private record Root(Path path, Path realPath, String keyPrefix) {

        Path relative(Path inside) {
            return path.relativize(inside);
        }

        /** Why a path may not be read, when its real path is outside this root. */
        Optional<String> escape(Path inside) {
            try {
                Path target = inside.toRealPath();
                return target.startsWith(realPath)
                        ? Optional.empty()
                        : Optional.of("it leads to " + target + ", outside the root " + realPath
                                + "; only files inside the configured roots are read");
            } catch (IOException e) {
                return Optional.of("its target cannot be resolved: " + e);
            }
        }
    }

    /** One walk of a root or of a part of it, remembering what it found so the rest can be deleted. */
    private final class Walk extends SimpleFileVisitor<Path> {
        private final Root root;
        private final Path start;
        private final Set<String> live = new HashSet<>();
        private final Set<String> unreadable = new HashSet<>();
        private boolean complete = true;

        Walk(Root root, Path start) {
            this.root = root;
            this.start = start;
        }

        @Override
        public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) {
            if (closed) {
                complete = false;
                return FileVisitResult.TERMINATE;
            }
            if (!directory.equals(root.path())) {
                if (!filter.entersDirectory(root.relative(directory))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Optional<String> escape = Files.isSymbolicLink(directory) ? root.escape(directory) : Optional.empty();
                if (escape.isPresent()) {
                    refuse(directory, escape.get());
                    return FileVisitResult.SKIP_SUBTREE;
                }
            }
            registerForEvents(directory);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
            if (closed) {
                complete = false;
                return FileVisitResult.TERMINATE;
            }
            // Devices, pipes and sockets are no documents (and reading a pipe would block); a dangling link has no
            // file.
            if (!attributes.isRegularFile()) {
                return FileVisitResult.CONTINUE;
            }
            Path relative = root.relative(file);
            if (!filter.accepts(relative)) {
                return FileVisitResult.CONTINUE;
            }
            Optional<String> escape = Files.isSymbolicLink(file) ? root.escape(file) : Optional.empty();
            if (escape.isPresent()) {
                refuse(file, escape.get());
                return FileVisitResult.CONTINUE;
            }
            String key = key(file);
            live.add(key);
            load(root, file, relative, key, attributes);
            logProgress(root);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE; // gone since it was listed: deleted like any missing file
            }
            if (e instanceof FileSystemLoopException) {
                refuse(file, "it is a symbolic link back to one of its own parent directories");
                return FileVisitResult.CONTINUE;
            }
            unreadable(file, e);
            return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException e) {
            if (e != null) {
                unreadable(directory, e);
            }
            return FileVisitResult.CONTINUE;
        }

        private void unreadable(Path path, IOException e) {
            counters.failed(path.toString(), "cannot be read: " + e);
            unreadable.add(subtreeKey(path));
            log.warn("files cannot read path={} error={}; its published documents are kept", path, e.toString());
        }
    }
}
