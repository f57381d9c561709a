package io.ledgerkv.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs the {@code ledgerkv} command line in this JVM, as a user would call it, capturing its output.
 * The command lives in the cli module, which depends on this one, so it is found by name: the tests
 * that use it run in the cli module's build (which scans this module's test jar), and anywhere else
 * this fails loudly rather than skipping.
 */
public final class CliRun {
    /** The command's entry point, {@code LedgerKvCli.run(PrintWriter out, PrintWriter err, String... args)}. */
    private static final String MAIN = "io.ledgerkv.cli.LedgerKvCli";

    private CliRun() {
    }

    /** Exit code, standard output and standard error of one command. */
    public record Result(int code, String out, String err) {
    }

    public static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = invoke(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code LedgerKvCli.run(out, err, args)}: the exit code. */
    public static int invoke(PrintWriter out, PrintWriter err, String... args) {
        Method run;
        try {
            run = Class.forName(MAIN).getMethod("run", PrintWriter.class, PrintWriter.class, String[].class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            throw new IllegalStateException(MAIN + " is not on the class path: tests that run the command belong to the cli "
                    + "module's build (store-impl's pom excludes them from its own)", e);
        }
        try {
            return (Integer) run.invoke(null, out, err, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
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
