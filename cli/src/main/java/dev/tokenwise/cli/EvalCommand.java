package dev.tokenwise.cli;

import picocli.CommandLine.Command;

/** {@code tokenwise eval ...}: quality and cost measurements on shared datasets. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Measure cost and quality on datasets.",
        subcommands = {EvalRoutingCommand.class})
final class EvalCommand implements Runnable {
    @Override
    public void run() {
        throw new UserException("missing subcommand, e.g. tokenwise eval routing --data DIR");
    }
}
