package io.ragstream.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The benchmark launcher: {@code bench/run <benchmark>}; {@code bench/run --help} lists them. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "ragstream benchmarks; each prints ratios against a reference measured in the same run.",
        subcommands = {
            EmbeddingBench.class,
            StoreBench.class,
            ChunkerBench.class,
            EmbedderBench.class,
            QueryBench.class,
            PipelineBench.class,
            QualityBench.class
        })
public final class Bench {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }
}
