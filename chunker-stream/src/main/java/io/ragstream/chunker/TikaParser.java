package io.ragstream.chunker;

import java.io.IOException;
import java.util.Optional;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.exception.TikaException;
import org.apache.tika.exception.WriteLimitReachedException;
import org.apache.tika.exception.ZeroByteFileException;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.sax.ToXMLContentHandler;
import org.apache.tika.sax.WriteOutContentHandler;
import org.xml.sax.SAXException;

/**
 * PDF, DOCX, PPTX, XLSX, ODT, RTF, EPUB and the other formats Apache Tika reads, through one reused
 * {@link AutoDetectParser}. Tika writes XHTML, which {@link HtmlParser} turns into blocks, so document headings (DOCX
 * heading styles, for example) become heading paths.
 */
public final class TikaParser implements DocumentParser {

    /** Tika's own guards against decompression bombs and deep nesting, stated here so they are visible and fixed. */
    private static final long BOMB_OUTPUT_THRESHOLD_CHARS = 1_000_000;

    private static final long MAX_COMPRESSION_RATIO = 100;
    private static final int MAX_XML_DEPTH = 100;
    private static final int MAX_PACKAGE_DEPTH = 10;

    private final AutoDetectParser parser = new AutoDetectParser();
    private final HtmlParser html;
    private final int maxExtractedChars;

    public TikaParser(HtmlParser html, int maxExtractedChars) {
        this.html = html;
        this.maxExtractedChars = maxExtractedChars;
        AutoDetectParserConfig guards = new AutoDetectParserConfig();
        guards.setOutputThreshold(BOMB_OUTPUT_THRESHOLD_CHARS);
        guards.setMaximumCompressionRatio(MAX_COMPRESSION_RATIO);
        guards.setMaximumDepth(MAX_XML_DEPTH);
        guards.setMaximumPackageEntryDepth(MAX_PACKAGE_DEPTH);
        parser.setAutoDetectParserConfig(guards);
    }

    @Override
    public ParsedDocument parse(byte[] content, String contentType, String uri) {
        if (ZipGuard.isZip(content)) {
            ZipGuard.check(content, contentType, uri);
        }
        Metadata metadata = new Metadata();
        metadata.set(Metadata.CONTENT_TYPE, contentType);
        metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName(uri));
        ToXMLContentHandler xhtml = new ToXMLContentHandler();
        WriteOutContentHandler limited = new WriteOutContentHandler(xhtml, maxExtractedChars);
        try (TikaInputStream in = TikaInputStream.get(content)) {
            parser.parse(in, limited, metadata, new ParseContext());
        } catch (EncryptedDocumentException e) {
            throw new ParseException(
                    "document " + uri + " (" + contentType + ") is encrypted; ragstream cannot read"
                            + " password-protected files: publish it unprotected or leave it out",
                    e);
        } catch (ZeroByteFileException e) {
            throw new ParseException("document " + uri + " (" + contentType + ") is empty (0 bytes)", e);
        } catch (SAXException | TikaException | IOException | RuntimeException e) {
            if (WriteLimitReachedException.isWriteLimitReached(e)) {
                throw new ParseException(
                        "document %s yields more than chunker.max-extracted-chars=%d characters of text; raise the limit or split the document"
                                .formatted(uri, maxExtractedChars),
                        e);
            }
            throw new ParseException(
                    "document %s (%s) cannot be parsed: %s: %s"
                            .formatted(uri, contentType, e.getClass().getSimpleName(), e.getMessage()),
                    e);
        }
        ParsedDocument parsed = html.parseHtml(xhtml.toString(), uri);
        Optional<String> title = Optional.ofNullable(metadata.get(TikaCoreProperties.TITLE))
                .map(TextNormalizer::normalize)
                .filter(t -> !t.isEmpty())
                .or(parsed::title);
        return new ParsedDocument(title, parsed.canonicalUri(), parsed.blocks());
    }

    private static String fileName(String uri) {
        int slash = uri.lastIndexOf('/');
        return slash < 0 ? uri : uri.substring(slash + 1);
    }
}
