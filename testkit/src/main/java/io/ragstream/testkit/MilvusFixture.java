package io.ragstream.testkit;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.milvus.MilvusContainer;

/**
 * A real Milvus server for a test class, the first of: the server at {@code MILVUS_URI}; a Milvus container when a Docker
 * engine answers; a Milvus Lite server started as a child process from the environment that
 * {@code testkit/python/prepare.sh milvus-lite} builds. Register it as a static field:
 *
 * <pre>{@code @RegisterExtension static final MilvusFixture milvus = new MilvusFixture();}</pre>
 *
 * <p>Milvus Lite is single-writer per collection: give each test its own collection ({@link #uniqueCollection}) and do not
 * write to one collection from several threads. {@link #standalone()} runs a real standalone Milvus server instead (2.3.5,
 * the last one published on PyPI), for what Milvus Lite does not have: consistency levels, concurrent writers, real
 * indexes; it has no BM25 functions, and its partition-key upserts lose rows. When no Milvus can be had the test is skipped with the reason, except
 * under {@code CI=true}, where it fails and says what to install.
 */
public final class MilvusFixture implements BeforeAllCallback, AfterAllCallback {

    /** Set to use an already running Milvus, e.g. {@code http://localhost:19530}. */
    public static final String URI_ENV = "MILVUS_URI";

    private static final Logger log = LoggerFactory.getLogger(MilvusFixture.class);
    private static final String CONTAINER_IMAGE = "milvusdb/milvus:v2.6.4";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final boolean standalone;
    private Server server;
    private MilvusClientV2 client;

    /** The first Milvus of: {@code MILVUS_URI}, a container, Milvus Lite. */
    public MilvusFixture() {
        this(false);
    }

    private MilvusFixture(boolean standalone) {
        this.standalone = standalone;
    }

    /**
     * A standalone Milvus 2.3.5 server, started as a child process from the environment that
     * {@code testkit/python/prepare.sh milvus-server} builds (the PyPI package {@code milvus}).
     */
    public static MilvusFixture standalone() {
        return new MilvusFixture(true);
    }

    /** A running Milvus and how to stop it. */
    private interface Server extends AutoCloseable {
        String uri();

        String kind();

        @Override
        void close();
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (server != null) {
            return; // nested classes share the enclosing class's server
        }
        long start = System.nanoTime();
        server = standalone ? launchStandalone() : launchServer();
        // A server listens a moment before it answers; the standalone one takes a few seconds more.
        client = Awaitility.await("Milvus at " + server.uri() + " answers")
                .atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(
                        () -> new MilvusClientV2(ConnectConfig.builder()
                                .uri(server.uri())
                                .connectTimeoutMs(5_000)
                                .build()),
                        connected -> connected != null);
        log.info(
                "milvus={} uri={} startMs={}",
                server.kind(),
                server.uri(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            return;
        }
        if (client != null) {
            client.close();
            client = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The server's URI, e.g. {@code http://127.0.0.1:41234}. */
    public String uri() {
        return started().uri();
    }

    /** Which kind of server answers: {@code external}, {@code container}, {@code milvus-lite} or {@code standalone}. */
    public String kind() {
        return started().kind();
    }

    /** A client connected to the server, owned and closed by the fixture. */
    public MilvusClientV2 client() {
        started();
        return client;
    }

    /**
     * Stops the Milvus server, keeping its data, so a test can check how a client rides out an outage; then call
     * {@link #startServer()}. Only a server the fixture started itself can be stopped this way.
     */
    public void stopServer() {
        child().halt();
    }

    /** Starts the server stopped by {@link #stopServer()} again, on the same port and data, and waits until it listens. */
    public void startServer() throws IOException {
        child().launch();
    }

    /** Whether {@link #stopServer()} can be used: the fixture runs the server itself. */
    public boolean canStopServer() {
        return started() instanceof ChildServer;
    }

    private ChildServer child() {
        if (!(started() instanceof ChildServer child)) {
            throw new IllegalStateException("only a server started by the fixture can be stopped; this one is "
                    + started().kind());
        }
        return child;
    }

    /** A collection name no other test uses. */
    public String uniqueCollection(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private Server started() {
        if (server == null) {
            throw new IllegalStateException(
                    "MilvusFixture is not started: register it with @RegisterExtension on a static field");
        }
        return server;
    }

    private static Server launchServer() throws IOException, InterruptedException {
        String external = System.getenv(URI_ENV);
        if (external != null && !external.isBlank()) {
            return new External(external);
        }
        if (dockerAnswers()) {
            return Container.start();
        }
        Path executable = PythonTools.require(
                "milvus-lite", "milvus-lite", "The Milvus tests (without MILVUS_URI or a Docker engine)");
        return ChildServer.lite(executable);
    }

    private static Server launchStandalone() throws IOException {
        Path executable =
                PythonTools.require("milvus-server", "milvus-server", "The tests on a standalone Milvus server");
        return ChildServer.standalone(executable);
    }

    private static boolean dockerAnswers() {
        String dockerHost = System.getenv("DOCKER_HOST");
        boolean engineConfigured = (dockerHost != null && !dockerHost.isBlank())
                || Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(System.getProperty("user.home"), ".testcontainers.properties"));
        if (!engineConfigured || "false".equalsIgnoreCase(System.getenv("RAGSTREAM_TEST_DOCKER"))) {
            // Asking Testcontainers on a machine without an engine only logs an alarming stack of errors.
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            log.debug("docker=unavailable reason={}", e.toString());
            return false;
        }
    }

    /** The Milvus at {@code MILVUS_URI}; the fixture neither starts nor stops it. */
    private record External(String uri) implements Server {
        @Override
        public String kind() {
            return "external";
        }

        @Override
        public void close() {}
    }

    /** Milvus standalone in a container, through the Testcontainers Milvus module. */
    private record Container(MilvusContainer container) implements Server {
        static Container start() {
            MilvusContainer container = new MilvusContainer(CONTAINER_IMAGE);
            container.start();
            return new Container(container);
        }

        @Override
        public String uri() {
            return container.getEndpoint();
        }

        @Override
        public String kind() {
            return "container";
        }

        @Override
        public void close() {
            container.stop();
        }
    }

    /**
     * A Milvus server run as a child process of the test JVM (Milvus Lite's gRPC server, or the standalone server of the
     * PyPI package {@code milvus}); it can be stopped and started again on the same ports and data.
     */
    private static final class ChildServer implements Server {
        private final String kind;
        private final List<String> command;
        private final java.util.Map<String, String> environment;
        private final java.util.Optional<String> readyLine;
        private final int port;
        private final Path dataDir;
        private final Path logFile;
        private volatile Process process;

        private ChildServer(String kind, List<String> command, int port, Path dataDir, Path logFile) {
            this(kind, command, java.util.Map.of(), java.util.Optional.empty(), port, dataDir, logFile);
        }

        /**
         * @param readyLine a line the server logs once it answers, when listening on its port is not yet that
         */
        private ChildServer(
                String kind,
                List<String> command,
                java.util.Map<String, String> environment,
                java.util.Optional<String> readyLine,
                int port,
                Path dataDir,
                Path logFile) {
            this.kind = kind;
            this.environment = java.util.Map.copyOf(environment);
            this.readyLine = readyLine;
            this.command = List.copyOf(command);
            this.port = port;
            this.dataDir = dataDir;
            this.logFile = logFile;
        }

        static ChildServer lite(Path executable) throws IOException {
            int port = freePort();
            Path dataDir = Files.createTempDirectory("milvus-lite-");
            List<String> command = List.of(
                    executable.toString(),
                    "server",
                    "--data-dir",
                    dataDir.toString(),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    Integer.toString(port));
            return start(new ChildServer(
                    "milvus-lite", command, port, dataDir, targetDir().resolve("milvus-lite-" + port + ".log")));
        }

        /** Runs the {@code milvus-server} wrapper with a port check that lets sockets in TIME_WAIT be, as Go does. */
        private static final String REUSE_ADDRESS_LAUNCHER = """
                import socket, sys
                import milvus

                def bind_like_go(self, port):
                    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    try:
                        sock.bind(('127.0.0.1', port))
                        sock.listen()
                        return sock
                    except OSError:
                        sock.close()
                        return None

                milvus.MilvusServerConfig.try_bind_port = bind_like_go
                sys.argv[0] = 'milvus-server'
                sys.exit(milvus.main())
                """;

        /** Every port of the standalone server's embedded components is chosen free, so servers never collide. */
        static ChildServer standalone(Path executable) throws IOException {
            int port = freePort();
            Path dataDir = Files.createTempDirectory("milvus-standalone-");
            // The wrapper checks that a port is free by binding it without SO_REUSEADDR, so after a restart the
            // connections of the old server, still in TIME_WAIT for a minute, make it move the proxy to the next port
            // without a word. The server itself (Go) binds with SO_REUSEADDR; the wrapper is made to check the same
            // way.
            Path python = executable.resolveSibling("python3");
            List<String> command = new java.util.ArrayList<>(List.of(
                    python.toString(),
                    "-c",
                    REUSE_ADDRESS_LAUNCHER,
                    "--data",
                    dataDir.toString(),
                    "--proxy-port",
                    Integer.toString(port)));
            int etcdPort = freePort();
            command.addAll(List.of("--etcd-port", Integer.toString(etcdPort)));
            for (String component : List.of(
                    "proxy-internal",
                    "root-coord",
                    "query-coord",
                    "query-node",
                    "index-coord",
                    "index-node",
                    "data-coord",
                    "data-node")) {
                command.add("--" + component + "-port");
                command.add(Integer.toString(freePort()));
            }
            // A restart waits for the old etcd session to expire, and a stop for loaded collections, 30 s and 1800 s by
            // default: a test restarts the server in seconds.
            command.addAll(List.of(
                    "--extra-config", "common.gracefulStopTimeout=3", "--extra-config", "common.session.ttl=5"));
            // The embedded etcd takes 2379 and 2380 whatever --etcd-port says, unless its own configuration moves it.
            Path etcd = dataDir.resolve("etcd.yaml");
            int peerPort = freePort();
            Files.writeString(etcd, """
                    name: default
                    listen-client-urls: http://127.0.0.1:%1$d
                    advertise-client-urls: http://127.0.0.1:%1$d
                    listen-peer-urls: http://127.0.0.1:%2$d
                    initial-advertise-peer-urls: http://127.0.0.1:%2$d
                    initial-cluster: default=http://127.0.0.1:%2$d
                    """.formatted(etcdPort, peerPort));
            return start(new ChildServer(
                    "standalone",
                    command,
                    java.util.Map.of("ETCD_CONFIG_PATH", etcd.toString()),
                    // Its wrapper binds every port for a moment while it starts, so a connection proves nothing.
                    java.util.Optional.of("Ctrl+C to exit"),
                    port,
                    dataDir,
                    targetDir().resolve("milvus-standalone-" + port + ".log")));
        }

        private static ChildServer start(ChildServer server) throws IOException {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, server.kind + "-stop"));
            server.launch();
            return server;
        }

        /** Starts the server process on this server's port and data directory and waits until it listens. */
        void launch() throws IOException {
            long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            builder.environment().putAll(environment);
            process = builder.start();
            Process started = process;
            try {
                Awaitility.await(kind + " listening on port " + port)
                        .atMost(START_TIMEOUT)
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> {
                            if (!started.isAlive()) {
                                throw new IllegalStateException(kind + " exited with " + started.exitValue()
                                        + "; its log " + logFile + " says: " + logTail());
                            }
                            return accepts(port)
                                    && readyLine
                                            .map(line -> logSince(logStart).contains(line))
                                            .orElse(true);
                        });
            } catch (ConditionTimeoutException | IllegalStateException e) {
                String seen = "port " + port + (accepts(port) ? " accepts" : " refuses")
                        + readyLine
                                .map(line -> logSince(logStart).contains(line) ? "" : ", no '" + line + "' logged")
                                .orElse("");
                // The standalone wrapper says nothing until the server answers: the server's own log tells why not.
                String serverLog = tail(dataDir.resolve("logs").resolve("milvus-stdout.log"));
                close();
                throw new IllegalStateException(
                        kind + " did not start (" + seen + "): " + e.getMessage() + "; log: " + tail(logFile)
                                + (serverLog.isEmpty() ? "" : "; server log: " + serverLog),
                        e);
            }
        }

        /**
         * Stops the server process and every process it started, and waits until all of them are gone: the standalone
         * server's wrapper exits at once while the server itself still holds its ports and its etcd data, and a server
         * launched over it waits on that data without a word.
         */
        void halt() {
            Process running = process;
            if (running == null) {
                return;
            }
            List<ProcessHandle> tree =
                    new java.util.ArrayList<>(running.descendants().toList());
            tree.add(running.toHandle());
            tree.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            try {
                for (ProcessHandle handle : tree) {
                    awaitExit(handle, Math.max(0, deadline - System.nanoTime()));
                }
                tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle handle : tree) {
                    if (!awaitExit(handle, TimeUnit.SECONDS.toNanos(10))) {
                        log.warn("{} process {} still runs after SIGKILL", kind, handle.pid());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }

        private static boolean awaitExit(ProcessHandle handle, long nanos) throws InterruptedException {
            try {
                handle.onExit().get(nanos, TimeUnit.NANOSECONDS);
                return true;
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                return !handle.isAlive();
            }
        }

        @Override
        public String uri() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public String kind() {
            return kind;
        }

        @Override
        public void close() {
            halt();
            deleteTree(dataDir);
        }

        private String logSince(long offset) {
            try {
                byte[] bytes = Files.readAllBytes(logFile);
                return new String(
                        bytes,
                        (int) Math.min(offset, bytes.length),
                        (int) Math.max(0, bytes.length - offset),
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        private String logTail() {
            return tail(logFile);
        }

        private static String tail(Path file) {
            if (!Files.exists(file)) {
                return "";
            }
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
            } catch (IOException e) {
                return "(unreadable: " + e.getMessage() + ")";
            }
        }
    }

    /** The module's build directory, where the fixture leaves its logs. */
    private static Path targetDir() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("user.dir"), "target"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            log.warn("milvus data dir {} not removed: {}", root, e.getMessage());
        }
    }
}
