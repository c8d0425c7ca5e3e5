package io.ragstream.ingest.files;

import io.ragstream.ingest.MediaTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The content type of a file and whether its bytes can travel as text. */
final class FileTypes {

    static final String OCTET_STREAM = "application/octet-stream";

    private FileTypes() {}

    /** By extension first, then as the platform guesses it, else {@code application/octet-stream}. */
    static String contentType(Path file) {
        Optional<String> known = MediaTypes.byFileName(file.getFileName().toString());
        if (known.isPresent()) {
            return known.get();
        }
        try {
            String probed = Files.probeContentType(file);
            return probed == null ? OCTET_STREAM : probed;
        } catch (IOException e) {
            return OCTET_STREAM;
        }
    }
}
