package io.ragstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory figures the benchmarks print. */
final class Memory {

    private Memory() {}

    /** A process's peak resident memory so far (VmHWM) in MB; -1 where /proc does not tell. */
    static long peakRssMegabytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
