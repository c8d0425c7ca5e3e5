package io.ragstream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Runs schemathesis against an API's served OpenAPI document ({@code /openapi.yaml}): generated requests, checked for
 * server errors and for answers the document does not describe (status codes, schemas, content types).
 */
public final class Schemathesis {

    private static final String CHECKS =
            "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance";

    /**
     * What a run printed and how it ended.
     *
     * @param finished whether it ended within the time given
     * @param exitValue its exit status when it finished: 0 when no check failed
     */
    public record Result(boolean finished, int exitValue, String output) {}

    private Schemathesis() {}

    /**
     * Runs deterministically ({@code --generation-deterministic}), with the API key as a bearer token.
     *
     * @param whatFor the test, named in the message when the schemathesis environment is missing
     * @param log where its output goes, then read back
     */
    public static Result run(String whatFor, String baseUrl, String key, int maxExamples, Path log)
            throws IOException, InterruptedException {
        Path schemathesis = PythonTools.require("schemathesis", "schemathesis", whatFor);
        Process run = new ProcessBuilder(
                        schemathesis.toString(),
                        "run",
                        baseUrl + "/openapi.yaml",
                        "--url",
                        baseUrl,
                        "--header",
                        "Authorization: Bearer " + key,
                        "--checks",
                        CHECKS,
                        "--max-examples",
                        Integer.toString(maxExamples),
                        "--generation-deterministic")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = run.waitFor(8, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        return new Result(finished, finished ? run.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8));
    }
}
