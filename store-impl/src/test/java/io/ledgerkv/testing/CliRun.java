package io.ledgerkv.testing;

import io.ledgerkv.cli.LedgerKvCli;
import java.io.PrintWriter;
import java.io.StringWriter;

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
}
