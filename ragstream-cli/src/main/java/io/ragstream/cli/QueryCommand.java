package io.ragstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ragstream query "<question>"}: the best chunks with scores and sources, or the assembled context. */
@Command(
        name = "query",
        mixinStandardHelpOptions = true,
        description =
                "Ask the running pipeline: prints the best chunks with their scores and sources, or with --context"
                        + " the context an LLM prompt would get, with numbered citations.")
final class QueryCommand implements Callable<Integer> {

    @Mixin
    RagstreamCli.Home home = new RagstreamCli.Home();

    @Parameters(index = "0", paramLabel = "QUESTION")
    String question;

    @Option(names = "--top-k", description = "chunks to return (default: ${DEFAULT-VALUE})")
    int topK = 5;

    @Option(names = "--context", description = "print the assembled context and its sources instead of the hits")
    boolean context;

    @Option(names = "--max-tokens", description = "the context's token budget (default: ${DEFAULT-VALUE})")
    int maxTokens = 1_000;

    @Option(names = "--query-url", description = "the query API (default: the running `ragstream up`)")
    String queryUrl;

    @Override
    public Integer call() throws Exception {
        LocalHome local = home.home();
        String url = queryUrl != null ? queryUrl : local.requireRunning().queryUrl();
        QueryClient client = new QueryClient(url, local.apiKey());
        if (context) {
            JsonNode answer = client.context(question, topK, maxTokens);
            System.out.println(answer.get("context").asText());
            System.out.println();
            for (JsonNode source : answer.get("sources")) {
                System.out.printf(
                        "[%d] %s  %s%n",
                        source.get("number").asInt(),
                        source.path("title").asText(source.get("docId").asText()),
                        source.get("uri").asText());
            }
            System.out.printf("(%d tokens)%n", answer.get("tokenCount").asInt());
        } else {
            printHits(client.search(question, topK), System.out);
        }
        return 0;
    }

    static void printHits(JsonNode answer, PrintStream out) {
        JsonNode hits = answer.get("hits");
        if (hits.isEmpty()) {
            out.println("no chunks found; ingest documents first with `./ragstream ingest <folder|file|url>`");
        }
        int rank = 1;
        for (JsonNode hit : hits) {
            String text = hit.get("text").asText().replaceAll("\\s+", " ");
            out.printf(
                    "%d. %.4f  %s  %s%n   %s%n",
                    rank++,
                    hit.get("score").asDouble(),
                    hit.path("title").asText(hit.get("docId").asText()),
                    hit.get("uri").asText(),
                    text.length() > 300 ? text.substring(0, 300) + " ..." : text);
        }
    }
}
