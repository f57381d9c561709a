package io.ledgerkv.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ledgerkv.api.ConfigFile;
import io.ledgerkv.meta.Json;
import io.ledgerkv.testing.CliRun;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/docker-compose.yaml as far as a machine without a Docker daemon can check it. The compose
 * file mounts deploy/conf/zoo.cfg and deploy/conf/bookie.conf read-only where the images read them,
 * sets no BK_ variables (nothing would apply them) and probes health without curl. Then real
 * ZooKeeper servers and bookies start from those two files ({@link MultiProcessCluster} with
 * {@code configFiles}), each in a network namespace named, addressed and resolving names like its
 * compose service; the only settings changed are the data directories ({@link #SUBSTITUTED}, also
 * listed in deploy/README.md). Against them: the bookies register as {@code bookie-N:3181}, the
 * compose healthchecks pass (and fail where no server runs), and the ledgerkv CLI, run on that
 * network with deploy/ledgerkv.yaml as written, writes and reads a store and reports a killed bookie.
 * The second test needs root and namespaces (skipped, and reported as skipped, without them).
 */
class ComposeConfigTest {
    /** What the process cluster changes in the config files; deploy/README.md lists the same. */
    private static final Map<String, List<String>> SUBSTITUTED = Map.of(
            "zoo.cfg", List.of("dataDir", "dataLogDir"),
            "bookie.conf", List.of("journalDirectories", "ledgerDirectories"));
    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    private static final String ZOO_CFG_MOUNT = "./conf/zoo.cfg:/conf/zoo.cfg:ro";
    private static final String BOOKIE_CONF_MOUNT = "./conf/bookie.conf:/opt/bookkeeper/conf/bk_server.conf:ro";
    private static final List<String> BOOKIES = List.of("bookie-1", "bookie-2", "bookie-3");
    private static final List<String> ZOOKEEPERS = List.of("zookeeper-1", "zookeeper-2", "zookeeper-3");

    @Test
    void composeMountsTheConfigFilesReadOnlyAndProbesHealthWithoutCurl() throws Exception {
        Map<String, Map<String, Object>> services = services();
        assertThat(services).containsKeys("bookkeeper-init", "ledgerkv").containsKeys(ZOOKEEPERS.toArray(String[]::new))
                .containsKeys(BOOKIES.toArray(String[]::new)).hasSize(8);
        for (int i = 0; i < ZOOKEEPERS.size(); i++) {
            Map<String, Object> zk = services.get(ZOOKEEPERS.get(i));
            assertThat(zk.get("hostname")).isEqualTo(ZOOKEEPERS.get(i));
            assertThat(volumes(zk)).containsExactlyInAnyOrder(ZOO_CFG_MOUNT, "zk" + (i + 1) + "-data:/data",
                    "zk" + (i + 1) + "-datalog:/datalog");
            // The image's ZOO_* variables only matter when it writes zoo.cfg itself, which a mounted file stops.
            assertThat(zk.get("environment")).as(ZOOKEEPERS.get(i)).isEqualTo(Map.of("ZOO_MY_ID", Integer.toString(i + 1)));
        }
        for (int i = 0; i < BOOKIES.size(); i++) {
            Map<String, Object> b = services.get(BOOKIES.get(i));
            assertThat(b.get("hostname")).as("the host name is the bookie id").isEqualTo(BOOKIES.get(i));
            assertThat(volumes(b)).containsExactlyInAnyOrder(BOOKIE_CONF_MOUNT, "bk" + (i + 1) + "-data:/opt/bookkeeper/data");
            assertThat(b.get("entrypoint")).isEqualTo(List.of("/opt/bookkeeper/bin/bookkeeper"));
            assertThat(b.get("command")).isEqualTo(List.of("bookie"));
            assertThat(b).as("BK_ variables: the image's entrypoint, which applies them, is not run").doesNotContainKey("environment")
                    .doesNotContainKey("ports");
        }
        Map<String, Object> init = services.get("bookkeeper-init");
        assertThat(volumes(init)).containsExactly(BOOKIE_CONF_MOUNT);
        assertThat(String.join(" ", strings(init.get("entrypoint")))).contains("bookkeeper shell initnewcluster");
        for (var e : services.entrySet()) {
            if (e.getValue().get("healthcheck") instanceof Map<?, ?> hc) {
                // The bookkeeper image has no curl; both images have bash (the zookeeper image's /bin/sh is dash, without /dev/tcp).
                assertThat(strings(hc.get("test"))).as(e.getKey()).startsWith("CMD", "bash", "-c").hasSize(4)
                        .noneMatch(arg -> arg.contains("curl"));
            }
        }
        assertThat(services.entrySet().stream().filter(e -> e.getValue().containsKey("healthcheck")).map(Map.Entry::getKey))
                .containsExactlyInAnyOrderElementsOf(concat(ZOOKEEPERS, BOOKIES));

        Map<String, String> bookieConf = properties(DEPLOY.resolve("conf/bookie.conf"));
        assertThat(bookieConf).containsEntry("useHostNameAsBookieID", "true").containsEntry("allowLoopback", "false")
                .doesNotContainKey("advertisedAddress");
        assertThat(bookieConf.get("metadataServiceUri")).contains("zookeeper-1:2181;zookeeper-2:2181;zookeeper-3:2181");

        // deploy/ledgerkv.yaml names the compose services and passes the CLI's settings check: with an
        // unreachable --zk, status gets as far as connecting (exit 5); a bad setting would be exit 2.
        assertThat(ConfigFile.read(DEPLOY.resolve("ledgerkv.yaml"))).containsEntry("zk",
                "zookeeper-1:2181,zookeeper-2:2181,zookeeper-3:2181");
        StringWriter err = new StringWriter();
        int code = CliRun.invoke(new PrintWriter(new StringWriter()), new PrintWriter(err), "status", "--config",
                DEPLOY.resolve("ledgerkv.yaml").toString(), "--zk", "127.0.0.1:1", "--connect-timeout", "1s");
        assertThat(code).as(err.toString()).isEqualTo(5);
    }

    @Test
    void serversStartFromTheComposeConfigFilesAndAClientOnTheirNetworkUsesThem(@TempDir Path tmp) throws Exception {
        assumeTrue(NetNamespaces.unavailableReason() == null, "network namespaces not available: " + NetNamespaces.unavailableReason());
        assertThat(MultiProcessCluster.CONFIG_FILE_HOST_SETTINGS).isEqualTo(SUBSTITUTED);
        Map<String, Map<String, Object>> services = services();
        String hostsDir;
        try (MultiProcessCluster c = MultiProcessCluster.start(
                new MultiProcessCluster.Options(3, 3, tmp.resolve("cluster"), true, DEPLOY.resolve("conf")))) {
            hostsDir = "/etc/netns/" + c.network().namespace("bookie-1");
            assertThat(Path.of(hostsDir, "hosts")).content().contains(" bookie-1\n", " zookeeper-3\n");
            for (int i = 0; i < 3; i++) {
                assertThat(differingKeys(DEPLOY.resolve("conf/zoo.cfg"), c.zooKeeperConfig(i))).as("zoo.cfg as zookeeper-%d ran it", i + 1)
                        .isEqualTo(new TreeSet<>(SUBSTITUTED.get("zoo.cfg")));
                assertThat(differingKeys(DEPLOY.resolve("conf/bookie.conf"), c.bookieConfig(i))).as("bookie.conf as bookie-%d ran it", i + 1)
                        .isEqualTo(new TreeSet<>(SUBSTITUTED.get("bookie.conf")));
                assertThat(c.bookieId(i)).isEqualTo(BOOKIES.get(i) + ":3181");
            }
            try (ZooKeeper zk = new ZooKeeper(c.connectString(), 10_000, e -> { })) {
                await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                        assertThat(zk.getChildren("/ledgers/available", false)).as("bookie ids registered in ZooKeeper")
                                .containsExactlyInAnyOrder("bookie-1:3181", "bookie-2:3181", "bookie-3:3181", "readonly"));
            }

            // The compose healthchecks, run as Docker runs them (in the service's network, with its host name).
            for (String service : concat(ZOOKEEPERS, BOOKIES)) {
                assertThat(healthcheck(c, service, services.get(service))).as("healthcheck of " + service).isZero();
            }
            assertThat(healthcheck(c, "ledgerkv", services.get("zookeeper-1"))).as("ZooKeeper healthcheck where none runs").isNotZero();
            assertThat(healthcheck(c, "ledgerkv", services.get("bookie-1"))).as("bookie healthcheck where none runs").isNotZero();

            // A client on the network, as `docker compose run ledgerkv ...`: deploy/ledgerkv.yaml as written,
            // its passwordFile (deploy/secret) relative to the working directory.
            Path work = Files.createDirectories(tmp.resolve("client/deploy")).getParent();
            Files.writeString(work.resolve("deploy/secret"), "compose-test-secret");
            String config = DEPLOY.resolve("ledgerkv.yaml").toString();
            Cli put = cli(c, work, "put", "--config", config, "--store", "compose", "hello", "world");
            assertThat(put.code()).as(put.err()).isZero();
            Cli get = cli(c, work, "get", "--config", config, "--store", "compose", "hello");
            assertThat(get.code()).as(get.err()).isZero();
            assertThat(get.out()).isEqualTo("world\n");
            JsonNode healthy = status(c, work, config);
            assertThat(problems(healthy)).as("only the CLI's writer has gone").hasSize(1).allMatch(p -> p.startsWith("no writer"));
            List<JsonNode> ensembles = healthy.get("ledgers").findValues("ensemble");
            assertThat(ensembles).as("the store's ledgers' ensembles").isNotEmpty();
            for (JsonNode ensemble : ensembles) {
                List<String> ids = new ArrayList<>();
                ensemble.forEach(id -> ids.add(id.asText()));
                assertThat(ids).containsExactlyInAnyOrder("bookie-1:3181", "bookie-2:3181", "bookie-3:3181");
            }

            // Three bookies, ensemble 3: a killed one cannot be replaced; status says so by its service name.
            c.killBookie(2);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(String.join("\n", problems(status(c, work, config))))
                            .contains("bookies below the ensemble size", "under-replicated", "bookie-3:3181"));
            c.restartBookie(2);
            assertThat(problems(status(c, work, config))).hasSize(1).allMatch(p -> p.startsWith("no writer"));
            assertThat(cli(c, work, "get", "--config", config, "--store", "compose", "hello").out()).isEqualTo("world\n");
        }
        assertThat(Path.of(hostsDir)).as("hosts files removed with the network").doesNotExist();
    }

    private record Cli(int code, String out, String err) {
    }

    /** The ledgerkv CLI in a JVM of its own in the network's node {@code ledgerkv}, in {@code work}. */
    private static Cli cli(MultiProcessCluster c, Path work, String... args) throws Exception {
        Path out = Files.createTempFile(work, "cli", ".out");
        Path err = Files.createTempFile(work, "cli", ".err");
        Process p = new ProcessBuilder(c.java("ledgerkv", List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), "io.ledgerkv.cli.LedgerKvCli",
                List.of(args))).directory(work.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        c.adopt(p);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ledgerkv %s finished", args[0]).isTrue();
        return new Cli(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static JsonNode status(MultiProcessCluster c, Path work, String config) throws Exception {
        Cli st = cli(c, work, "status", "--config", config, "--store", "compose", "--json");
        assertThat(st.code()).as("status exits 4 while the store has no writer: " + st.err()).isEqualTo(4);
        return Json.MAPPER.readTree(st.out());
    }

    private static List<String> problems(JsonNode status) {
        List<String> out = new ArrayList<>();
        status.get("problems").forEach(p -> out.add(p.asText()));
        return out;
    }

    /** Runs a service's compose healthcheck ({@code CMD bash -c ...}) in a node of the network; its exit code. */
    private static int healthcheck(MultiProcessCluster c, String node, Map<String, Object> service) throws Exception {
        List<String> test = strings(((Map<?, ?>) service.get("healthcheck")).get("test"));
        c.network().add(node);
        List<String> cmd = new ArrayList<>(c.network().exec(node));
        cmd.addAll(test.subList(1, test.size()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("healthcheck finished").isTrue();
        return p.exitValue();
    }

    /** Keys whose values differ between two {@code key=value} files, or that only one of them sets. */
    private static TreeSet<String> differingKeys(Path a, Path b) throws Exception {
        Map<String, String> pa = properties(a);
        Map<String, String> pb = properties(b);
        TreeSet<String> keys = new TreeSet<>(pa.keySet());
        keys.addAll(pb.keySet());
        keys.removeIf(k -> Objects.equals(pa.get(k), pb.get(k)));
        return keys;
    }

    private static Map<String, String> properties(Path file) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                out.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip());
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        assertThat(DEPLOY.resolve("docker-compose.yaml")).as("deploy/ next to the module").exists();
        Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(DEPLOY.resolve("docker-compose.yaml")));
        return (Map<String, Map<String, Object>>) doc.get("services");
    }

    private static List<String> volumes(Map<String, Object> service) {
        return strings(service.get("volumes"));
    }

    private static List<String> strings(Object list) {
        assertThat(list).isInstanceOf(List.class);
        return ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
