package io.ledgerkv.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", description = {"Prints a shell completion script for ledgerkv (picocli's generator).",
    "bash:  source <(./ledgerkv completion bash)",
    "zsh:   autoload -U +X bashcompinit && bashcompinit && source <(./ledgerkv completion zsh)"})
final class CompletionCommand extends CliCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "bash or zsh")
    String shell;

    @Override
    public Integer call() {
        if (!"bash".equals(shell) && !"zsh".equals(shell)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "shell must be bash or zsh, got '" + shell + "'");
        }
        // One script serves both: zsh runs it through bashcompinit.
        out().print(AutoComplete.bash("ledgerkv", spec.root().commandLine()));
        out().flush();
        return ExitCodes.OK;
    }
}
