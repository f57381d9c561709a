package io.ledgerkv.cli;

import io.ledgerkv.api.LedgerKvException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ledgerkv} command line. Subcommands: {@code demo} (the whole store on an embedded
 * cluster, with faults), {@code cluster} (an embedded cluster in the foreground for other
 * processes), {@code put/get/del/scan} for scripting against any cluster, {@code status}.
 */
@Command(name = "ledgerkv", mixinStandardHelpOptions = true, versionProvider = LedgerKvCli.Version.class,
        description = "A durable, transactional key-value store on Apache BookKeeper and ZooKeeper.",
        footerHeading = "%n",
        footer = {"The launcher also runs:",
            "  ./ledgerkv fault ...   fault-injection campaigns (./ledgerkv fault --help)",
            "  ./ledgerkv bench ...   benchmarks (./ledgerkv bench --help)",
            "Environment:",
            "  LEDGERKV_ZK            ZooKeeper connect string (instead of --zk)",
            "  LEDGERKV_PASSWORD      the stores' ledger password (instead of --password-file)",
            "  LEDGERKV_JAVA_OPTS     JVM options for the launcher (default -Xmx2g)"},
        subcommands = {DemoCommand.class, ClusterCommand.class, PutCommand.class, GetCommand.class, DeleteCommand.class,
            ScanCommand.class, StatusCommand.class, DictCommand.class, BackupCommand.class, RestoreCommand.class,
            DropCommand.class, KeygenCommand.class, WalCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class})
public final class LedgerKvCli {

    public static void main(String[] args) {
        quietLibraries(Arrays.asList(args).contains("--verbose"));
        System.exit(run(args));
    }

    /**
     * Keeps library logs out of the terminal: a command says what went wrong itself, in one line,
     * with an exit code. BookKeeper and ZooKeeper log every failed connection attempt and every
     * refused password (a wrong-quorum open printed 141 lines before the one that matters);
     * ledgerkv's own retries log WARNs. {@code --verbose} keeps them all (the configured WARN).
     */
    static void quietLibraries(boolean verbose) {
        if (verbose) {
            return;
        }
        for (String logger : new String[] {"org.apache.bookkeeper", "org.apache.zookeeper", "org.apache.curator", "io.netty"}) {
            Configurator.setLevel(logger, Level.OFF);
        }
        Configurator.setLevel("io.ledgerkv", Level.ERROR);
    }



    /** Runs a command line and returns its exit code ({@link ExitCodes}: 0 ok, 1 failed, 2 usage, 3 not found, ...). */
    public static int run(String... args) {
        // The platform charset, as System.out's own on JDK 17; named so that it is a choice, not an accident.
        return run(new PrintWriter(new OutputStreamWriter(System.out, Charset.defaultCharset()), true),
                new PrintWriter(new OutputStreamWriter(System.err, Charset.defaultCharset()), true), args);
    }

    /** Runs a command line writing to the given streams. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new LedgerKvCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": " + describe(ex)
                    + OtherNamespaces.hint(ex, cmd)));
            return ExitCodes.of(ex);
        });
        listExitCodes(cl);
        return cl.execute(args);
    }

    /**
     * Every command takes {@code --help} and {@code --version}, and its help lists the same exit
     * codes (commands that declare their own keep them).
     */
    private static void listExitCodes(CommandLine cl) {
        cl.getCommandSpec().mixinStandardHelpOptions(true);
        var usage = cl.getCommandSpec().usageMessage();
        if (usage.exitCodeList().isEmpty()) {
            usage.exitCodeListHeading("Exit codes:%n").exitCodeList(ExitCodes.help());
        }
        cl.getSubcommands().values().forEach(LedgerKvCli::listExitCodes);
    }

    static String describe(Throwable t) {
        String msg = t.getMessage();
        return msg == null ? t.toString() : (t instanceof RuntimeException && !(t instanceof LedgerKvException)
                && !(t instanceof IllegalArgumentException) ? t.getClass().getSimpleName() + ": " + msg : msg);
    }

    /** Version from the jar manifest when packaged, else "development". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = LedgerKvCli.class.getPackage().getImplementationVersion();
            return new String[] {"ledgerkv " + (v == null ? "(development build)" : v)};
        }
    }
}
