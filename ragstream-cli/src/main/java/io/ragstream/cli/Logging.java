package io.ragstream.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the log goes: the commands print what a person needs on the terminal, so the services' and Kafka's log lines
 * go to {@code <data-dir>/ragstream.log} (slf4j-simple, configured before the first logger is made).
 */
final class Logging {

    private Logging() {}

    static void configure(String[] args) {
        String dataDir = ".ragstream";
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--data-dir")) {
                dataDir = args[i + 1];
            }
        }
        for (String arg : args) {
            if (arg.startsWith("--data-dir=")) {
                dataDir = arg.substring("--data-dir=".length());
            }
        }
        Path log = Path.of(dataDir, "ragstream.log");
        try {
            Files.createDirectories(log.getParent());
            setDefault("org.slf4j.simpleLogger.logFile", log.toString());
        } catch (java.io.IOException e) {
            setDefault("org.slf4j.simpleLogger.logFile", "System.err");
        }
        setDefault("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setDefault("org.slf4j.simpleLogger.log.io.ragstream", "info");
        setDefault("org.slf4j.simpleLogger.showDateTime", "true");
        setDefault("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        setDefault("ai.djl.offline", "true");
        // Lucene reports through java.util.logging; only its warnings are worth a terminal line.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
