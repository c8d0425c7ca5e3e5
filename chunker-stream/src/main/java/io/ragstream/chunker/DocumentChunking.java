package io.ragstream.chunker;

import io.ragstream.model.Chunk;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentInfo;
import io.ragstream.model.RawDocument;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * One raw document in, its chunks out: parse, then chunk. Pure: no Kafka here, so the topology around it stays thin.
 * Thread-safe.
 */
public final class DocumentChunking {

    private final DocumentParser parser;
    private final Chunker chunker;
    private final Clock clock;

    public DocumentChunking(DocumentParser parser, Chunker chunker, Clock clock) {
        this.parser = parser;
        this.chunker = chunker;
        this.clock = clock;
    }

    /**
     * Every chunk of this version of the document, with its metadata. A document found to have no text gives an empty
     * list of chunks: its earlier versions must still leave the store.
     *
     * @param sequence the version's place among the document's versions (see {@link ChunkedDocument#sequence()})
     * @throws ParseException when the document cannot be read
     */
    public ChunkedDocument chunk(RawDocument document, long sequence) {
        ParsedDocument parsed = parser.parse(document.contentBytes(), document.contentType(), document.uri());
        List<Chunk> chunks = chunker.chunk(document.docId(), sequence, parsed);
        DocumentInfo info = new DocumentInfo(
                document.source(),
                citation(document.uri(), parsed.canonicalUri()),
                document.title().or(parsed::title),
                document.contentType(),
                document.metadata(),
                document.tags(),
                document.fetchedAt());
        return new ChunkedDocument(
                document.docId(), document.tenant(), document.version(), sequence, info, chunks, clock.instant());
    }

    /**
     * The address the document's chunks cite: the one it was fetched from, unless the page names a canonical address on
     * the same host over http(s). A page does not decide its own citation: a canonical link to a {@code file:} URI, to
     * another host or to another scheme is the page's word against the crawler's, and a file from the folder loader
     * keeps its file URI.
     */
    static String citation(String fetched, Optional<String> canonical) {
        if (canonical.isEmpty()) {
            return fetched;
        }
        try {
            URI from = new URI(fetched);
            URI to = new URI(canonical.get());
            boolean web = isHttp(from) && isHttp(to);
            boolean sameHost = from.getHost() != null && from.getHost().equalsIgnoreCase(to.getHost());
            return web && sameHost ? canonical.get() : fetched;
        } catch (URISyntaxException e) {
            return fetched;
        }
    }

    private static boolean isHttp(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
    }

    /** The empty version that stands for a document whose latest version could not be read, and why. */
    public ChunkedDocument unreadable(RawDocument document, long sequence, String reason) {
        DocumentInfo info = DocumentInfo.of(document);
        return new ChunkedDocument(
                document.docId(),
                document.tenant(),
                document.version(),
                sequence,
                info,
                List.of(),
                clock.instant(),
                Optional.of(reason));
    }
}
