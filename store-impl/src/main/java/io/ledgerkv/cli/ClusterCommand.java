package io.ledgerkv.cli;

import io.ledgerkv.cluster.LocalCluster;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "cluster", description = {"Runs an embedded ZooKeeper and bookies in the foreground until Ctrl-C,",
    "so that other processes (ledgerkv put/get/status, tests, benchmarks) can use it."})
final class ClusterCommand extends CliCommand implements Callable<Integer> {
    @Option(names = "--bookies", defaultValue = "3", description = "Number of bookies (default: ${DEFAULT-VALUE})")
    int bookies;

    @Option(names = "--zk-port", defaultValue = "0", description = "ZooKeeper port (default: a free port)")
    int zkPort;

    @Option(names = "--data", description = "Keep data in this directory instead of a temporary one (kept on exit)")
    Path data;

    @Override
    public Integer call() throws Exception {
        LocalCluster.Builder b = LocalCluster.builder().bookies(bookies).zkPort(zkPort);
        if (data != null) {
            b.dataDir(data, false);
        }
        LocalCluster cluster = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out().println("ledgerkv cluster: stopping");
            cluster.close();
            stopped.countDown();
        }, "ledgerkv-cluster-shutdown"));
        out().println("ledgerkv cluster: ZooKeeper and " + bookies + " bookies are up");
        out().println("  connect string   " + cluster.connectString());
        out().println("  metadata URI     " + cluster.metadataServiceUri());
        for (int i = 0; i < cluster.bookieCount(); i++) {
            out().println("  bookie " + i + "         " + cluster.bookieId(i));
        }
        out().println("  data             " + cluster.dataDir() + (data == null ? " (removed on exit)" : ""));
        out().println("Use it from another shell:");
        out().println("  export LEDGERKV_ZK=" + cluster.connectString() + " LEDGERKV_PASSWORD=<a secret>");
        out().println("  ./ledgerkv put --store demo hello world && ./ledgerkv status --store demo");
        out().println("Ctrl-C stops it.");
        out().flush();
        stopped.await();
        return 0;
    }
}
