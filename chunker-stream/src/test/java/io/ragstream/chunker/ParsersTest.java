package io.ragstream.chunker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParsersTest {

    private final Parsers parsers = new Parsers(5_000_000, Duration.ofSeconds(30));

    @AfterEach
    void close() {
        parsers.close();
    }

    @Test
    void pdfTextIsExtracted() throws IOException {
        byte[] pdf = pdf("Kafka keeps every event of a document in order.", false);

        ParsedDocument parsed = parsers.parse(pdf, "application/pdf", "file:///kb/order.pdf");

        assertThat(text(parsed)).contains("Kafka keeps every event of a document in order.");
    }

    @Test
    void encryptedPdfIsRefusedWithTheReason() throws IOException {
        byte[] pdf = pdf("secret", true);

        assertThatThrownBy(() -> parsers.parse(pdf, "application/pdf", "file:///kb/secret.pdf"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("is encrypted");
    }

    @Test
    void corruptPdfIsRefusedWithTheReason() {
        byte[] corrupt =
                "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\ngarbage".getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> parsers.parse(corrupt, "application/pdf", "file:///kb/broken.pdf"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("file:///kb/broken.pdf");
    }

    @Test
    void docxParagraphsAreExtracted() throws IOException {
        XWPFDocument document = new XWPFDocument();
        document.createParagraph().createRun().setText("Compacted topics keep the latest value per key.");
        document.createParagraph().createRun().setText("카프카는 압축 토픽을 지원합니다.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        document.write(out);

        ParsedDocument parsed = parsers.parse(
                out.toByteArray(),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "file:///kb/topics.docx");

        assertThat(parsed.blocks())
                .extracting(Block::text)
                .contains("Compacted topics keep the latest value per key.", "카프카는 압축 토픽을 지원합니다.");
    }

    @Test
    void zipBombDocxIsRefusedBeforeItExhaustsMemory() throws IOException {
        byte[] bomb = zipBombDocx(60_000_000);

        assertThat(bomb.length).isLessThan(1_000_000);
        assertThatThrownBy(() -> parsers.parse(
                        bomb,
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        "file:///kb/bomb.docx"))
                .isInstanceOf(ParseException.class)
                .message()
                // Refused by the zip guard, before the Office parser reads document.xml into memory.
                .contains("is a decompression bomb", "word/document.xml");
    }

    @Test
    void randomBytesLabelledAsTextAreRefused() {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);

        assertThatThrownBy(() -> parsers.parse(noise, "text/plain", "file:///kb/noise.txt"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void markdownHeadingsBecomeHeadingPaths() {
        ParsedDocument parsed = parsers.parse(
                "# 소개\n\n본문입니다.\n\n## 설치\n\n설치 방법.".getBytes(StandardCharsets.UTF_8),
                "text/markdown",
                "file:///kb/ko.md");

        assertThat(parsed.title()).contains("소개");
        assertThat(parsed.blocks()).last().satisfies(block -> {
            assertThat(block.text()).isEqualTo("설치 방법.");
            assertThat(block.headingPath()).containsExactly("소개", "설치");
        });
    }

    @Test
    void textBeyondTheExtractionLimitIsRefused() {
        Parsers strict = new Parsers(1_000, Duration.ofSeconds(30));
        byte[] text = "word ".repeat(1_000).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> strict.parse(text, "text/plain", "file:///kb/long.txt"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("chunker.max-extracted-chars=1000");
        strict.close();
    }

    @Test
    void parseThatTakesLongerThanTheTimeoutIsAbandonedAndReported() {
        Parsers impatient = new Parsers(50_000_000, Duration.ofMillis(1));
        byte[] large = "many words in many paragraphs\n\n".repeat(200_000).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> impatient.parse(large, "text/plain", "file:///kb/slow.txt"))
                .isInstanceOf(ParseException.class)
                .hasMessageContaining("took longer than chunker.parse-timeout=PT0.001S");
        impatient.close();
    }

    private static String text(ParsedDocument parsed) {
        return String.join("\n", parsed.blocks().stream().map(Block::text).toList());
    }

    private static byte[] pdf(String line, boolean encrypted) throws IOException {
        try (PDDocument document = new PDDocument()) {
            PDPage page = new PDPage();
            document.addPage(page);
            try (PDPageContentStream content = new PDPageContentStream(document, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(50, 700);
                content.showText(line);
                content.endText();
            }
            if (encrypted) {
                StandardProtectionPolicy policy = new StandardProtectionPolicy("owner", "user", new AccessPermission());
                policy.setEncryptionKeyLength(128);
                document.protect(policy);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            document.save(out);
            return out.toByteArray();
        }
    }

    /** A DOCX whose document.xml inflates to {@code chars} characters of text from a few tens of kilobytes. */
    private static byte[] zipBombDocx(int chars) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            entry(zip, "[Content_Types].xml", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                    <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                    <Default Extension="xml" ContentType="application/xml"/>
                    <Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
                    </Types>""");
            entry(zip, "_rels/.rels", """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                    <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
                    </Relationships>""");
            zip.putNextEntry(new ZipEntry("word/document.xml"));
            zip.write(
                    ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/"
                                    + "wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>")
                            .getBytes(StandardCharsets.UTF_8));
            byte[] block = "a".repeat(1_000_000).getBytes(StandardCharsets.UTF_8);
            for (int written = 0; written < chars; written += block.length) {
                zip.write(block);
            }
            zip.write("</w:t></w:r></w:p></w:body></w:document>".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, String content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /**
     * A parser that ignores the interrupt kept running after its document was dead-lettered, holding a thread and its
     * memory, one more at every timeout, until the JVM ran out. Past the limit the owner is told (the chunker then asks
     * to be restarted, which frees them).
     */
    @Test
    void parsesThatIgnoreTheInterruptAreCountedAndTheOwnerIsToldPastTheLimit() {
        CountDownLatch release = new CountDownLatch(1);
        DocumentParser stubborn = (content, contentType, uri) -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // a parser that ignores the interrupt, as some of Tika's do in a runaway loop
                }
            }
            return new ParsedDocument(Optional.empty(), Optional.empty(), List.of());
        };
        AtomicInteger told = new AtomicInteger();
        try (Parsers stuck =
                new Parsers(1_000, Duration.ofMillis(100), 2, told::set, Map.of("application/x-stubborn", stubborn))) {
            byte[] content = "x".getBytes(StandardCharsets.UTF_8);

            assertThatThrownBy(() -> stuck.parse(content, "application/x-stubborn", "first"))
                    .isInstanceOf(ParseException.class)
                    .hasMessageContaining("chunker.parse-timeout");
            assertThat(told).as("one runaway, under the limit").hasValue(0);

            assertThatThrownBy(() -> stuck.parse(content, "application/x-stubborn", "second"))
                    .isInstanceOf(ParseException.class);
            assertThat(told).as("two runaways still running").hasValue(2);
        } finally {
            release.countDown();
        }
    }

    /** A parse that ends when interrupted leaves nothing behind: timeouts of such parses are no runaways. */
    @Test
    void parsesThatEndOnTheInterruptAreNoRunaways() {
        DocumentParser slow = (content, contentType, uri) -> {
            try {
                new CountDownLatch(1).await(); // a parse that would go on, but ends when interrupted
            } catch (InterruptedException e) {
                throw new ParseException("interrupted");
            }
            return new ParsedDocument(Optional.empty(), Optional.empty(), List.of());
        };
        AtomicInteger told = new AtomicInteger();
        try (Parsers parsers =
                new Parsers(1_000, Duration.ofMillis(100), 1, told::set, Map.of("application/x-slow", slow))) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> parsers.parse(new byte[] {1}, "application/x-slow", "slow"))
                        .isInstanceOf(ParseException.class);
            }
            assertThat(told).hasValue(0);
        }
    }
}
