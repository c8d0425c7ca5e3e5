package io.ragstream.chunker;

import io.ragstream.model.Chunk;
import io.ragstream.model.ChunkedDocument;
import io.ragstream.model.DocumentInfo;
import io.ragstream.model.FieldLimits;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
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

    /** The most a chunks record may take: the topic's record limit, less room for its key and headers. */
    static final int MAX_RECORD_BYTES = Topics.MAX_MESSAGE_BYTES - Topics.RECORD_OVERHEAD_BYTES;

    private final DocumentParser parser;
    private final Chunker chunker;
    private final Clock clock;
    private final int maxRecordBytes;
    private final ChunkMessageSerde serde = new ChunkMessageSerde();

    public DocumentChunking(DocumentParser parser, Chunker chunker, Clock clock) {
        this(parser, chunker, clock, MAX_RECORD_BYTES);
    }

    DocumentChunking(DocumentParser parser, Chunker chunker, Clock clock, int maxRecordBytes) {
        this.parser = parser;
        this.chunker = chunker;
        this.clock = clock;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * Every chunk of this version of the document, with its metadata. A document found to have no text gives an empty
     * list of chunks: its earlier versions must still leave the store.
     *
     * @param sequence the version's place among the document's versions (see {@link ChunkedDocument#sequence()})
     * @throws ParseException when the document cannot be read, or its chunks are more than one document may have or than
     *     one record holds
     */
    public ChunkedDocument chunk(RawDocument document, long sequence) {
        ParsedDocument parsed = parser.parse(document.contentBytes(), document.contentType(), document.uri());
        List<Chunk> chunks = chunker.chunk(document.docId(), sequence, parsed);
        if (chunks.size() > FieldLimits.CHUNKS_PER_DOCUMENT) {
            throw new ParseException(
                    "%s cuts into %,d chunks, above the %,d one document may have; split it into smaller documents"
                            .formatted(document.uri(), chunks.size(), FieldLimits.CHUNKS_PER_DOCUMENT));
        }
        DocumentInfo info = new DocumentInfo(
                document.source(),
                citation(document.uri(), parsed.canonicalUri()),
                document.title().or(parsed::title),
                document.contentType(),
                document.metadata(),
                document.tags(),
                document.fetchedAt());
        ChunkedDocument chunked = new ChunkedDocument(
                document.docId(), document.tenant(), document.version(), sequence, info, chunks, clock.instant());
        requireFitsOneRecord(chunked);
        return chunked;
    }

    /**
     * A version travels to the embedder as one record, so that it replaces the one before at once; a record past the
     * topic's limit would fail the stream thread on every try. Measured exactly only when a cheap bound says it might.
     */
    private void requireFitsOneRecord(ChunkedDocument chunked) {
        long bound = 0;
        for (Chunk chunk : chunked.chunks()) {
            bound += chunk.text().length() * 3L + 512;
            for (String heading : chunk.headingPath()) {
                bound += heading.length() * 3L + 8;
            }
        }
        if (bound <= maxRecordBytes / 2) {
            return;
        }
        int bytes = serde.serialize(Topics.CHUNKS, chunked).length;
        if (bytes > maxRecordBytes) {
            throw new ParseException(
                    "%s cuts into %,d chunks that take %,d bytes as one record, above the %,d a chunks record holds;"
                                    .formatted(
                                            chunked.document().uri(),
                                            chunked.chunks().size(),
                                            bytes,
                                            maxRecordBytes)
                            + " split it into smaller documents");
        }
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
            boolean storable = FieldLimits.utf8Length(canonical.get()) <= FieldLimits.URI_BYTES;
            return web && sameHost && storable ? canonical.get() : fetched;
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
