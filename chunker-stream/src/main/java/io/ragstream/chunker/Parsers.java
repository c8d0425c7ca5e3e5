package io.ragstream.chunker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the parser for a document's media type and holds every parse to the limits: the most characters of extracted
 * text and the longest a parse may take. A parse over its time is abandoned and reported; the document goes to the DLQ.
 * A parser that ignores the interrupt keeps running on its thread: past a number of such runaways the owner is told,
 * since only a restart frees them.
 */
public final class Parsers implements DocumentParser, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Parsers.class);
    /** How long an interrupted parse has to end before it counts as a runaway. */
    private static final Duration RUNAWAY_GRACE = Duration.ofSeconds(1);

    private final HtmlParser html = new HtmlParser();
    private final MarkdownParser markdown = new MarkdownParser(html);
    private final PlainTextParser text = new PlainTextParser();
    private final TikaParser tika;
    private final int maxExtractedChars;
    private final Duration timeout;
    // A parse runs on its own thread so that a runaway one can be abandoned; the caller's thread moves on.
    private final ExecutorService parsing = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("chunker-parse-", 0).daemon(true).factory());

    /** Parses that outlived their timeout and ignored the interrupt, still holding a thread and its memory. */
    private final List<Thread> runaways = new ArrayList<>();

    private final int maxRunaways;
    private final IntConsumer tooManyRunaways;
    private final Map<String, DocumentParser> extraParsers;

    /** Parsers that only report a parse that outlives its timeout (the benchmarks and tools). */
    public Parsers(int maxExtractedChars, Duration timeout) {
        this(maxExtractedChars, timeout, Integer.MAX_VALUE, count -> {}, Map.of());
    }

    /**
     * @param maxRunaways how many abandoned parses may still be running before {@code tooManyRunaways} is told: a parser
     *     that ignores the interrupt keeps its thread, its CPU and its memory, and only a restart of the process frees
     *     them
     */
    public Parsers(int maxExtractedChars, Duration timeout, int maxRunaways, IntConsumer tooManyRunaways) {
        this(maxExtractedChars, timeout, maxRunaways, tooManyRunaways, Map.of());
    }

    /** As above, with parsers of the tests' own media types beside the real ones. */
    Parsers(
            int maxExtractedChars,
            Duration timeout,
            int maxRunaways,
            IntConsumer tooManyRunaways,
            Map<String, DocumentParser> extraParsers) {
        this.maxExtractedChars = maxExtractedChars;
        this.timeout = timeout;
        this.tika = new TikaParser(html, maxExtractedChars);
        this.maxRunaways = maxRunaways;
        this.tooManyRunaways = tooManyRunaways;
        this.extraParsers = Map.copyOf(extraParsers);
    }

    @Override
    public ParsedDocument parse(byte[] content, String contentType, String uri) {
        DocumentParser parser = parserFor(contentType);
        AtomicReference<Thread> worker = new AtomicReference<>();
        Future<ParsedDocument> result = parsing.submit(() -> {
            worker.set(Thread.currentThread());
            return parser.parse(content, contentType, uri);
        });
        ParsedDocument parsed;
        try {
            parsed = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            abandoned(worker.get());
            throw new ParseException(
                    "parsing document %s (%s, %d bytes) took longer than chunker.parse-timeout=%s; raise the timeout or split the document"
                            .formatted(uri, contentType, content.length, timeout));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ParseException parseError) {
                throw parseError;
            }
            throw new ParseException("document " + uri + " (" + contentType + ") cannot be parsed: " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            throw new IllegalStateException("interrupted while parsing " + uri, e);
        }
        long chars = parsed.blocks().stream()
                .mapToLong(block -> block.text().length())
                .sum();
        if (chars > maxExtractedChars) {
            throw new ParseException(
                    "document %s yields %d characters of text, more than chunker.max-extracted-chars=%d; raise the limit or split the document"
                            .formatted(uri, chars, maxExtractedChars));
        }
        return parsed;
    }

    /**
     * Counts a parse left behind: a parser that honours the interrupt ends within a moment; one still running after that
     * is a runaway. Past {@code maxRunaways} of them, the owner is told (the chunker then asks to be restarted).
     */
    private void abandoned(Thread worker) {
        if (worker == null) {
            return;
        }
        try {
            worker.join(RUNAWAY_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int running;
        synchronized (runaways) {
            runaways.removeIf(thread -> !thread.isAlive());
            if (worker.isAlive()) {
                runaways.add(worker);
            }
            running = runaways.size();
        }
        if (running > 0) {
            log.warn(
                    "{} parses that outlived chunker.parse-timeout={} are still running and ignore the interrupt",
                    running,
                    timeout);
        }
        if (running >= maxRunaways) {
            tooManyRunaways.accept(running);
        }
    }

    private DocumentParser parserFor(String contentType) {
        String media = ContentTypes.mediaType(contentType);
        DocumentParser extra = extraParsers.get(media);
        if (extra != null) {
            return extra;
        }
        return switch (media) {
            case "text/html", "application/xhtml+xml" -> html;
            case "text/markdown", "text/x-markdown" -> markdown;
            default -> media.startsWith("text/") ? text : tika;
        };
    }

    @Override
    public void close() {
        parsing.shutdownNow();
    }
}
