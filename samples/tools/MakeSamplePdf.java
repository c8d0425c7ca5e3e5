import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Writes the sample corpus's PDF, samples/corpus/en/kafka-retention.pdf, a text PDF in the standard 14 fonts.
 *
 * <pre>
 * M2=~/.m2/repository
 * java -cp $M2/org/apache/pdfbox/pdfbox/3.0.7/pdfbox-3.0.7.jar:$M2/org/apache/pdfbox/pdfbox-io/3.0.7/pdfbox-io-3.0.7.jar:\
 * $M2/org/apache/pdfbox/fontbox/3.0.7/fontbox-3.0.7.jar:$M2/commons-logging/commons-logging/1.3.5/commons-logging-1.3.5.jar \
 *     samples/tools/MakeSamplePdf.java [output.pdf]
 * </pre>
 */
public class MakeSamplePdf {

    private static final String TITLE = "Retention in Kafka topics";

    /** The document: "# " starts a heading, anything else is a paragraph. Plain ASCII, as WinAnsi fonts require. */
    private static final List<String> BLOCKS = List.of(
            "A Kafka topic does not keep records forever by default. Each topic has a retention policy that decides when"
                    + " old records are removed from disk. Retention is about storage, not about consumption: Kafka"
                    + " deletes a record when the policy says so, whether or not any consumer has read it, and it keeps"
                    + " a record that every consumer has already read until the policy says otherwise.",
            "# Time and size",
            "With cleanup.policy=delete, the default, two settings bound what a partition keeps. retention.ms is the"
                    + " age limit, seven days unless changed; retention.bytes is a size limit per partition, unlimited"
                    + " by default. Whichever limit is reached first applies. Setting retention.ms to -1 keeps records"
                    + " indefinitely, which suits a topic that serves as the permanent record of a system.",
            "# Segments are the unit of deletion",
            "A partition is stored as a series of segment files. Kafka never deletes single records: it deletes whole"
                    + " segments, and only closed ones. A segment becomes eligible when its newest record is older than"
                    + " the retention time. The active segment, the one still being written, is never deleted, so a"
                    + " quiet topic with a large segment.bytes (1 GiB by default) can hold records far longer than"
                    + " retention.ms suggests. Lowering segment.ms makes segments roll, and therefore expire, sooner.",
            "# Consumers that fall behind",
            "If a consumer is stopped longer than the retention time, the records at its committed position may be"
                    + " gone when it returns. Its position is then out of range, and auto.offset.reset decides what"
                    + " happens: earliest starts at the oldest record still kept, latest skips to the end, and none"
                    + " fails with an error. For a pipeline that must not silently lose data, failing is the honest"
                    + " choice. Committed offsets themselves expire too: a group that has been empty for longer than"
                    + " offsets.retention.minutes, seven days by default, loses its committed positions.",
            "# Tiered storage",
            "With tiered storage, closed segments are copied to object storage and only recent data stays on the"
                    + " brokers' disks. local.retention.ms bounds the local copy while retention.ms still bounds the"
                    + " total. Long retention becomes affordable, and consumers reading old data fetch it from the"
                    + " remote tier transparently, at a higher latency.",
            "# Choosing a policy for an ingestion pipeline",
            "Event topics, such as change notifications or status updates, usually need only enough retention to"
                    + " survive an outage and a weekend: a few days. A topic from which the whole index must be"
                    + " rebuildable needs either unlimited retention or compaction, because an index can only be"
                    + " replayed from records that still exist.");

    private static final float MARGIN = 64;
    private static final float BODY_SIZE = 10.5f;
    private static final float LEADING = 14.5f;

    private final PDDocument document;
    private final PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
    private final PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
    private PDPageContentStream content;
    private float y;

    private MakeSamplePdf(PDDocument document) {
        this.document = document;
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "samples/corpus/en/kafka-retention.pdf");
        try (PDDocument document = new PDDocument()) {
            PDDocumentInformation info = document.getDocumentInformation();
            info.setTitle(TITLE);
            info.setAuthor("ragstream contributors");
            info.setCreator("samples/tools/MakeSamplePdf.java");
            new MakeSamplePdf(document).write();
            Files.createDirectories(out.toAbsolutePath().getParent());
            document.save(out.toFile());
        }
        System.out.println("wrote " + out + " (" + Files.size(out) + " bytes)");
    }

    private void write() throws IOException {
        newPage();
        paragraph(TITLE, bold, 18, 24);
        y -= 6;
        for (String block : BLOCKS) {
            if (block.startsWith("# ")) {
                y -= 6;
                paragraph(block.substring(2), bold, 12.5f, 17);
            } else {
                paragraph(block, regular, BODY_SIZE, LEADING);
                y -= 6;
            }
        }
        content.close();
    }

    private void newPage() throws IOException {
        if (content != null) {
            content.close();
        }
        PDPage page = new PDPage(PDRectangle.A4);
        document.addPage(page);
        content = new PDPageContentStream(document, page);
        y = page.getMediaBox().getHeight() - MARGIN;
    }

    /** Writes text wrapped at word boundaries to the page width, starting a new page when the current one is full. */
    private void paragraph(String text, PDType1Font font, float size, float leading) throws IOException {
        float width = PDRectangle.A4.getWidth() - 2 * MARGIN;
        for (String line : wrap(text, font, size, width)) {
            if (y - leading < MARGIN) {
                newPage();
            }
            y -= leading;
            content.beginText();
            content.setFont(font, size);
            content.newLineAtOffset(MARGIN, y);
            content.showText(line);
            content.endText();
        }
    }

    private static List<String> wrap(String text, PDType1Font font, float size, float width) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (!line.isEmpty() && font.getStringWidth(candidate) / 1000 * size > width) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(candidate);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
