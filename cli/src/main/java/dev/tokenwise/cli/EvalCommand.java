package dev.tokenwise.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tokenwise eval}: offline quality and cost benchmarks, one subcommand per strategy. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Measure a strategy's quality and cost on real data.",
        subcommands = {EvalCacheCommand.class, EvalRoutingCommand.class})
final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
