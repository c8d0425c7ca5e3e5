package io.ragstream.chunker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which record of a task the chunker is parsing and chunking, kept in a file of the task's state directory from the start
 * of that work to its end. A process that dies of the record (out of memory, a crash in a parser) leaves the file
 * behind, and the next attempt at the same offset counts one more: a record that killed the chunker twice is
 * dead-lettered instead of killing it forever (a poison pill). Outside the exactly-once transaction on purpose: an
 * aborted transaction forgets what it did, a file does not. Written without fsync: it must outlive the process, not the
 * machine. A commit that fails after the work ended does not count, since the file is gone by then.
 */
final class AttemptMarker {

    private static final Logger log = LoggerFactory.getLogger(AttemptMarker.class);
    static final String FILE = "ragstream-attempt";

    private final Path file;
    private boolean warned;

    AttemptMarker(Path taskDirectory) {
        this.file = taskDirectory.resolve(FILE);
    }

    /** Marks the work on the record at {@code offset} as started; returns its attempt: 1, or more after deaths in it. */
    int begin(long offset) {
        int attempt = 1;
        try {
            String[] last =
                    Files.readString(file, StandardCharsets.US_ASCII).trim().split(" ");
            if (last.length == 2 && Long.parseLong(last[0]) == offset) {
                attempt = Integer.parseInt(last[1]) + 1;
            }
        } catch (NoSuchFileException none) {
            // no work was under way when the last process ended
        } catch (IOException | RuntimeException unreadable) {
            warnOnce("cannot read " + file + ": " + unreadable);
        }
        try {
            Files.writeString(file, offset + " " + attempt, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            warnOnce("cannot write " + file + ": " + e);
        }
        return attempt;
    }

    /** The work on the record ended, whatever its outcome. */
    void end() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            warnOnce("cannot delete " + file + ": " + e);
        }
    }

    private void warnOnce(String problem) {
        if (!warned) {
            warned = true;
            log.warn("{}; a record that kills the chunker may be tried again and again", problem);
        }
    }
}
