package dev.tokenwise.cli.bench;

import picocli.CommandLine.Command;

/** {@code tokenwise bench}: measurements that compare the gateway against a baseline in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks that compare tokenwise against a baseline in the same run.",
        subcommands = {OverheadCommand.class, SoakCommand.class, RigProcessCommand.class})
public final class BenchCommand implements Runnable {
    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }
}
