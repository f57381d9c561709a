package io.ledgerkv.testing;

import io.ledgerkv.cli.LedgerKvCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;

/** Runs the {@code ledgerkv} command line in this JVM, as a user would call it, capturing its output. */
public final class CliRun {
    private CliRun() {
    }

    /** Exit code, standard output and standard error of one command. */
    public record Result(int code, String out, String err) {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LedgerKvCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /**
     * The command against a cluster: {@code args} followed by {@code --zk}, {@code --password-file}
     * and a 5 s connect timeout (picocli takes options after positional parameters, also after a
     * sub-subcommand such as {@code dict list}).
     */
    public static Result against(String connectString, Path passwordFile, String... args) {
        String[] full = Arrays.copyOf(args, args.length + 3);
        full[args.length] = "--zk=" + connectString;
        full[args.length + 1] = "--password-file=" + passwordFile;
        full[args.length + 2] = "--connect-timeout=5s";
        return run(full);
    }
}
