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

    /** By extension first (formats the pipeline reads, then media), then as the platform guesses it, else octet-stream. */
    static String contentType(Path file) {
        String name = file.getFileName().toString();
        Optional<String> known = MediaTypes.byFileName(name).or(() -> MediaTypes.mediaByFileName(name));
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
