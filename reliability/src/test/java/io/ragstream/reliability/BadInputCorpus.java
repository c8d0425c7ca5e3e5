package io.ragstream.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The bad inputs every entry point is fed, generated on each run (nothing large is committed): the file cases as files in
 * a folder, which the file loader scans and the other entry points read. The record-level cases (broken JSON, schema,
 * version) have no file: only an outside producer on {@code docs.raw} can send them, and it makes them itself.
 */
final class BadInputCorpus {

    /** One bad input. {@code fileName} is empty for the cases that exist only as {@code docs.raw} records. */
    enum Case {
        CORRUPT_PDF("corrupt PDF", "corrupt.pdf", "application/pdf"),
        ENCRYPTED_PDF("encrypted PDF", "encrypted.pdf", "application/pdf"),
        ZIP_BOMB_DOCX(
                "zip-bomb DOCX (1 GiB inflated)",
                "bomb.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FILE_100_MB("100 MB file", "large-100mb.txt", "text/plain"),
        RANDOM_BINARY_AS_TEXT("random binary labelled text/plain", "random-binary.txt", "text/plain"),
        INVALID_JSON("invalid JSON", null, null),
        SCHEMA_BREAKING_JSON("valid JSON breaking the schema", null, null),
        SCHEMA_VERSION_2("unknown schemaVersion 2", null, null),
        EMPTY_CONTENT("empty content", "empty.txt", "text/plain"),
        NOT_UTF8_LABELLED_UTF8("non-UTF-8 text labelled UTF-8", "latin1.txt", "text/plain; charset=utf-8"),
        ONE_MB_SINGLE_LINE("1 MB single line", "one-line.txt", "text/plain"),
        DEEP_HTML("HTML nested 100,000 deep", "deep.html", "text/html"),
        ID_10_KB("id 10 KB long", null, "text/plain");

        private final String label;
        private final Optional<String> fileName;
        private final Optional<String> contentType;

        Case(String label, String fileName, String contentType) {
            this.label = label;
            this.fileName = Optional.ofNullable(fileName);
            this.contentType = Optional.ofNullable(contentType);
        }

        String label() {
            return label;
        }

        /** The name of the case's file, for the cases that are documents rather than broken records. */
        Optional<String> fileName() {
            return fileName;
        }

        /** The content type its producer declares; for the non-UTF-8 case it claims UTF-8. */
        String contentType() {
            return contentType.orElseThrow(() -> new IllegalStateException(label + " has no content type"));
        }
    }

    static final long LARGE_FILE_BYTES = 100L * 1024 * 1024;
    private static final long BOMB_INFLATED_BYTES = 1024L * 1024 * 1024;
    private static final int ONE_MB = 1024 * 1024;
    private static final int HTML_DEPTH = 100_000;
    private static final int LONG_ID_CHARS = 10 * 1024;
    private static final String[] WORDS =
            "kafka streams keep a vector index fresh while documents change under it".split(" ");

    private final Path directory;
    private final Map<Case, Path> files = new EnumMap<>(Case.class);

    private BadInputCorpus(Path directory) {
        this.directory = directory;
    }

    /**
     * Writes the file cases among {@code cases} into {@code directory}, each from its own seed; large ones are streamed
     * to disk, never held in memory.
     */
    static BadInputCorpus write(Path directory, Set<Case> cases, long seed) throws IOException {
        Files.createDirectories(directory);
        BadInputCorpus corpus = new BadInputCorpus(directory);
        for (Case c : cases) {
            if (c.fileName().isEmpty()) {
                continue;
            }
            Random random = new Random(seed + c.ordinal());
            Path path = corpus.path(c);
            switch (c) {
                case ZIP_BOMB_DOCX -> writeZipBomb(path);
                case FILE_100_MB -> writeLargeText(path);
                default -> Files.write(path, smallFile(c, random));
            }
        }
        return corpus;
    }

    private static byte[] smallFile(Case c, Random random) throws IOException {
        return switch (c) {
            case CORRUPT_PDF -> corruptPdf(random);
            case ENCRYPTED_PDF -> encryptedPdf();
            case RANDOM_BINARY_AS_TEXT -> randomBinary(random);
            case EMPTY_CONTENT -> new byte[0];
            case NOT_UTF8_LABELLED_UTF8 ->
                "Café crème brûlée, déjà vu: the menu of the château, written in ISO-8859-1.\n"
                        .repeat(20)
                        .getBytes(StandardCharsets.ISO_8859_1);
            case ONE_MB_SINGLE_LINE -> oneLine(random).getBytes(StandardCharsets.UTF_8);
            case DEEP_HTML -> deepHtml().getBytes(StandardCharsets.UTF_8);
            default -> throw new IllegalArgumentException(c.label() + " is not a small file case");
        };
    }

    Path directory() {
        return directory;
    }

    Path file(Case c) {
        return Optional.ofNullable(files.get(c))
                .orElseThrow(() -> new IllegalArgumentException(c.label() + " is not a file case"));
    }

    byte[] bytes(Case c) throws IOException {
        return Files.readAllBytes(file(c));
    }

    /** An id of 10 KiB, for the case that breaks the id limits of the contract (256) and of the upload API (8,192). */
    static String longId(String prefix) {
        return prefix + "x".repeat(LONG_ID_CHARS - prefix.length());
    }

    private Path path(Case c) {
        Path path = directory.resolve(c.fileName().orElseThrow());
        files.put(c, path);
        return path;
    }

    /** A %PDF header and the start of a catalog, then garbage: no xref, no trailer, nothing PDFBox can repair. */
    private static byte[] corruptPdf(Random random) {
        byte[] head = "%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] garbage = new byte[4_096];
        random.nextBytes(garbage);
        byte[] pdf = Arrays.copyOf(head, head.length + garbage.length);
        System.arraycopy(garbage, 0, pdf, head.length, garbage.length);
        return pdf;
    }

    /** A real one-page PDF, AES-256 encrypted with an owner and a user password. */
    private static byte[] encryptedPdf() throws IOException {
        try (PDDocument document = new PDDocument();
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream text = new PDPageContentStream(document, page)) {
                text.beginText();
                text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                text.newLineAtOffset(72, 700);
                text.showText("Quarterly numbers, for the board only.");
                text.endText();
            }
            StandardProtectionPolicy policy =
                    new StandardProtectionPolicy("owner-secret", "user-secret", new AccessPermission());
            policy.setEncryptionKeyLength(256);
            document.protect(policy);
            document.save(out);
            return out.toByteArray();
        }
    }

    /**
     * A DOCX whose word/document.xml inflates to 1 GiB of one character: about 1 MB on disk, written through
     * {@link ZipOutputStream} one reused block at a time.
     */
    private static void writeZipBomb(Path path) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(path))) {
            zip.setLevel(9);
            entry(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
                    <Default Extension="xml" ContentType="application/xml"/>\
                    <Override PartName="/word/document.xml" \
                    ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
                    </Types>""");
            entry(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                    <Relationship Id="rId1" \
                    Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
                    Target="word/document.xml"/></Relationships>""");
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write("""
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
                    <w:body><w:p><w:r><w:t>""".getBytes(StandardCharsets.UTF_8));
            byte[] block = new byte[ONE_MB];
            Arrays.fill(block, (byte) 'a');
            for (long written = 0; written < BOMB_INFLATED_BYTES; written += block.length) {
                zip.write(block);
            }
            zip.write("</w:t></w:r></w:p></w:body></w:document>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
    }

    private static void entry(ZipOutputStream zip, String name, String xml) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(xml.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /** 100 MiB of numbered lines of text, streamed to disk. */
    private static void writeLargeText(Path path) throws IOException {
        try (Writer out = Files.newBufferedWriter(path, StandardCharsets.US_ASCII)) {
            long written = 0;
            for (long line = 0; written < LARGE_FILE_BYTES; line++) {
                String text = "line %09d of a text file far larger than any limit of the pipeline%n".formatted(line);
                int length = (int) Math.min(text.length(), LARGE_FILE_BYTES - written);
                out.write(text, 0, length);
                written += length;
            }
        }
    }

    /** Random bytes that start with a sequence UTF-8 can never have, so they are certainly not text. */
    private static byte[] randomBinary(Random random) {
        byte[] bytes = new byte[64 * 1024];
        random.nextBytes(bytes);
        bytes[0] = (byte) 0xC3;
        bytes[1] = (byte) 0x28;
        return bytes;
    }

    /** 1 MiB of words and spaces, with no line break and no sentence end: only word boundaries to cut at. */
    private static String oneLine(Random random) {
        StringBuilder line = new StringBuilder(ONE_MB + 16);
        while (line.length() < ONE_MB - 16) {
            line.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
        }
        line.setLength(ONE_MB - 16);
        return line.toString().strip();
    }

    private static String deepHtml() {
        return "<!DOCTYPE html><html><head><title>Deep page</title></head><body>"
                + "<div>".repeat(HTML_DEPTH)
                + "<p>The only sentence of a page nested one hundred thousand levels deep.</p>"
                + "</div>".repeat(HTML_DEPTH)
                + "</body></html>";
    }

    /** Writes into a byte array of known size, so a record of 100+ MB is held once, not copied while it grows. */
    static final class FixedArrayOutputStream extends OutputStream {
        private final byte[] array;
        private int position;

        FixedArrayOutputStream(int size) {
            this.array = new byte[size];
        }

        @Override
        public void write(int b) {
            array[position++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            System.arraycopy(bytes, offset, array, position, length);
            position += length;
        }

        byte[] filled() {
            if (position != array.length) {
                throw new IllegalStateException(
                        "wrote " + position + " of the " + array.length + " bytes the record was sized for");
            }
            return array;
        }
    }
}
