package io.ragstream.cli;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ragstream up | ingest | query | status}: the whole pipeline on one machine, and the commands that use it. */
@Command(
        name = "ragstream",
        mixinStandardHelpOptions = true,
        version = "ragstream 0.1.0",
        description = "Streaming ingestion for RAG: run the pipeline locally, send documents in, ask questions.",
        subcommands = {
            UpCommand.class,
            IngestCommand.class,
            QueryCommand.class,
            StatusCommand.class,
            BrokerCommand.class
        })
public final class RagstreamCli {

    /** Options every command shares. */
    static final class Home {
        @Option(
                names = "--data-dir",
                description = "where ragstream keeps its data (default: ${DEFAULT-VALUE})",
                defaultValue = ".ragstream")
        Path dataDir;

        LocalHome home() {
            return new LocalHome(dataDir);
        }
    }

    public static void main(String[] args) {
        Logging.configure(args);
        System.exit(new CommandLine(new RagstreamCli()).execute(args));
    }
}
