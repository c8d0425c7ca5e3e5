package io.ragstream.chunker;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Picks the parser for a document's media type and holds every parse to the limits: the most characters of extracted
 * text and the longest a parse may take. A parse over its time is abandoned and reported; the document goes to the DLQ.
 */
public final class Parsers implements DocumentParser, AutoCloseable {

    private final HtmlParser html = new HtmlParser();
    private final MarkdownParser markdown = new MarkdownParser(html);
    private final PlainTextParser text = new PlainTextParser();
    private final TikaParser tika;
    private final int maxExtractedChars;
    private final Duration timeout;
    // A parse runs on its own thread so that a runaway one can be abandoned; the caller's thread moves on.
    private final ExecutorService parsing = Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().name("chunker-parse-", 0).daemon(true).factory());

    public Parsers(int maxExtractedChars, Duration timeout) {
        this.maxExtractedChars = maxExtractedChars;
        this.timeout = timeout;
        this.tika = new TikaParser(html, maxExtractedChars);
    }

    @Override
    public ParsedDocument parse(byte[] content, String contentType, String uri) {
        DocumentParser parser = parserFor(contentType);
        Future<ParsedDocument> result = parsing.submit(() -> parser.parse(content, contentType, uri));
        ParsedDocument parsed;
        try {
            parsed = result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
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

    private DocumentParser parserFor(String contentType) {
        String media = ContentTypes.mediaType(contentType);
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
