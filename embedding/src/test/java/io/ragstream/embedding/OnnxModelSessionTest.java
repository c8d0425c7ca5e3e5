package io.ragstream.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtSession;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OnnxModelSessionTest {

    /**
     * In a JVM with a long class path, creating ONNX Runtime's environment (the first ONNX call) from a thread with a
     * 512 KB stack recursed deep in native code and killed the JVM with SIGSEGV: no Java exception, no hs_err file. It runs in a child JVM so a regression fails this test
     * instead of killing the test run.
     */
    @Test
    void sessionOpensFromASmallStackThreadInAJvmWithALongClassPath() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String longClassPath = System.getProperty("java.class.path")
                + (File.pathSeparator + "/no/such/dir/pads/the/class/path").repeat(200);
        List<String> command = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED"));
        command.addAll(List.of("-cp", longClassPath, SmallStackSessionProbe.class.getName()));

        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();

        assertThat(child.exitValue())
                .as("child JVM exit code; its output:%n%s", output)
                .isZero();
        assertThat(output).contains("inputs=[input_ids, attention_mask, token_type_ids]");
    }

    /** Opens the default model's session from a thread with a small stack, in its own JVM. */
    public static final class SmallStackSessionProbe {
        public static void main(String[] args) throws InterruptedException {
            Thread caller = Thread.ofPlatform().stackSize(512 * 1024).start(() -> {
                try (OrtSession session = OnnxModel.bgeSmallEnV15Quantized().openSession(EmbedderOptions.defaults())) {
                    System.out.println("inputs=" + session.getInputNames());
                } catch (Exception e) {
                    e.printStackTrace(System.out);
                }
            });
            caller.join();
        }
    }
}
