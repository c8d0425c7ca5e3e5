package io.ragstream.chunker;

/** Turns the bytes of one document into its structure. Implementations are thread-safe. */
public interface DocumentParser {

    /**
     * Parses a document.
     *
     * @param content the document's raw bytes
     * @param contentType its media type, possibly with a charset parameter
     * @param uri where it lives, to resolve relative links
     * @throws ParseException when the document cannot be read, with the reason
     */
    ParsedDocument parse(byte[] content, String contentType, String uri);
}
