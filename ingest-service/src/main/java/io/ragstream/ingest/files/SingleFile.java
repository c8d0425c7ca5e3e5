package io.ragstream.ingest.files;

import io.ragstream.ingest.MediaTypes;
import io.ragstream.model.RawDocument;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * One file as a document, for one-shot jobs ({@code ingest file}): named by its {@code file:} URI exactly as the
 * {@link FileLoader} names it, so loading it later with its folder updates the same document.
 */
public final class SingleFile {

    private SingleFile() {}

    /**
     * Reads the file into a document.
     *
     * @throws IllegalArgumentException when the file is not a regular file or is larger than {@code maxBytes}
     */
    public static RawDocument document(Path file, String tenant, String source, long maxBytes) throws IOException {
        Path path = file.toAbsolutePath().normalize();
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException(path + " is not a regular file");
        }
        long size = Files.size(path);
        if (size > maxBytes) {
            throw new IllegalArgumentException(
                    "%s is %,d bytes, above the limit of %,d bytes (--max-file-bytes)".formatted(path, size, maxBytes));
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes((int) size);
        }
        String contentType = FileTypes.contentType(path);
        RawDocument.Builder builder = RawDocument.builder()
                .tenant(tenant)
                .source(source)
                .uri(path.toUri().toString())
                .title(path.getFileName().toString())
                .metadata(Map.of("path", path.getFileName().toString()));
        Optional<String> text = MediaTypes.asText(contentType, bytes);
        if (text.isPresent()) {
            builder.text(contentType, text.get());
        } else {
            builder.bytes(contentType, bytes);
        }
        return builder.build();
    }
}
