package io.ragstream.ingest;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Media types: the type of a file name, and whether a document travels as text or as base64: text types whose bytes are
 * valid UTF-8 go as text (readable on the topic, smaller), everything else as the bytes themselves, so nothing is ever
 * corrupted by a wrong decoding.
 */
public final class MediaTypes {

    /** The media type of each file name extension ragstream's parsers read. */
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("md", "text/markdown"),
            Map.entry("markdown", "text/markdown"),
            Map.entry("html", "text/html"),
            Map.entry("htm", "text/html"),
            Map.entry("xhtml", "application/xhtml+xml"),
            Map.entry("txt", "text/plain"),
            Map.entry("text", "text/plain"),
            Map.entry("log", "text/plain"),
            Map.entry("csv", "text/csv"),
            Map.entry("tsv", "text/tab-separated-values"),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("yaml", "application/yaml"),
            Map.entry("yml", "application/yaml"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            Map.entry("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            Map.entry("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            Map.entry("doc", "application/msword"),
            Map.entry("ppt", "application/vnd.ms-powerpoint"),
            Map.entry("xls", "application/vnd.ms-excel"),
            Map.entry("odt", "application/vnd.oasis.opendocument.text"),
            Map.entry("ods", "application/vnd.oasis.opendocument.spreadsheet"),
            Map.entry("odp", "application/vnd.oasis.opendocument.presentation"),
            Map.entry("rtf", "application/rtf"),
            Map.entry("epub", "application/epub+zip"),
            Map.entry("eml", "message/rfc822"));

    private static final Set<String> TEXTUAL_APPLICATION_TYPES =
            Set.of("application/json", "application/xml", "application/yaml");

    /** Extensions of images, audio, video and fonts, for platforms that do not know them. */
    private static final Map<String, String> MEDIA_BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("webp", "image/webp"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("tif", "image/tiff"),
            Map.entry("tiff", "image/tiff"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("eot", "application/vnd.ms-fontobject"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("flac", "audio/flac"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("webm", "video/webm"),
            Map.entry("avi", "video/x-msvideo"),
            Map.entry("mkv", "video/x-matroska"));

    private static final Set<String> FONT_APPLICATION_TYPES = Set.of(
            "application/vnd.ms-fontobject",
            "application/font-woff",
            "application/x-font-ttf",
            "application/x-font-otf",
            "application/x-font-woff");

    private MediaTypes() {}

    /** The media type a file name's extension stands for, when it is one of the formats the pipeline parses. */
    public static Optional<String> byFileName(String fileName) {
        return extension(fileName).map(BY_EXTENSION::get);
    }

    /** The media type of an image, audio, video or font file name, which no parser of the pipeline reads text from. */
    public static Optional<String> mediaByFileName(String fileName) {
        return extension(fileName).map(MEDIA_BY_EXTENSION::get);
    }

    private static Optional<String> extension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot < 0
                ? Optional.empty()
                : Optional.of(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** Whether this media type (parameters ignored) is an image, audio, video or a font. */
    public static boolean isMedia(String contentType) {
        String essence = essence(contentType);
        return essence.startsWith("image/")
                || essence.startsWith("audio/")
                || essence.startsWith("video/")
                || essence.startsWith("font/")
                || FONT_APPLICATION_TYPES.contains(essence);
    }

    /** Whether this media type (parameters ignored) is a style sheet: a site's presentation, never its knowledge. */
    public static boolean isStyleSheet(String contentType) {
        return essence(contentType).equals("text/css");
    }

    private static String essence(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .strip()
                .toLowerCase(Locale.ROOT);
    }

    /** Whether documents of this media type (parameters ignored) are text. */
    public static boolean isText(String contentType) {
        String essence = essence(contentType);
        return essence.startsWith("text/")
                || TEXTUAL_APPLICATION_TYPES.contains(essence)
                || essence.endsWith("+xml")
                || essence.endsWith("+json");
    }

    /** The bytes as a string when they are valid UTF-8; empty otherwise. */
    public static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The text of a text type when its bytes are UTF-8; empty when the document must travel as bytes. */
    public static Optional<String> asText(String contentType, byte[] bytes) {
        return isText(contentType) ? utf8(bytes) : Optional.empty();
    }
}
