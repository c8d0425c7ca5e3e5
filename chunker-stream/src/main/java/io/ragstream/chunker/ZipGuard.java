package io.ragstream.chunker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Refuses a zip container (DOCX, PPTX, XLSX, ODT, EPUB, ...) that inflates far beyond its own size before any parser
 * loads it: Tika's guards watch the text it writes, but the Office parsers read a whole entry into memory first, so a
 * 1 MB file holding a 1 GB {@code document.xml} would exhaust the heap. The entries are inflated once, into nothing,
 * and the count stops as soon as it passes the limit.
 */
final class ZipGuard {

    /** Inflating past this many times the container's size, beyond {@link #RATIO_FLOOR_BYTES}, is a bomb. */
    static final long MAX_RATIO = 100;
    /** Small containers of very repetitive XML legitimately inflate a lot; a bomb must also be large. */
    static final long RATIO_FLOOR_BYTES = 16L * 1024 * 1024;
    /** No container may inflate past this, whatever its size. */
    static final long MAX_INFLATED_BYTES = 512L * 1024 * 1024;

    private ZipGuard() {}

    static boolean isZip(byte[] content) {
        return content.length >= 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;
    }

    /** @throws ParseException when the container inflates past the limits */
    static void check(byte[] content, String contentType, String uri) {
        long limit = Math.min(MAX_INFLATED_BYTES, Math.max(RATIO_FLOOR_BYTES, content.length * MAX_RATIO));
        long inflated = 0;
        byte[] sink = new byte[64 * 1024];
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                for (int read = zip.read(sink); read > 0; read = zip.read(sink)) {
                    inflated += read;
                    if (inflated > limit) {
                        throw new ParseException(
                                "document %s (%s) is a decompression bomb: its entries inflate past %,d bytes from %,d (entry %s); refused"
                                        .formatted(uri, contentType, limit, content.length, entry.getName()));
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // Not a readable zip after all: the format's own parser says what is wrong with it.
        }
    }
}
