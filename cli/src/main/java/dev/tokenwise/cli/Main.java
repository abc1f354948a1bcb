package dev.tokenwise.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tokenwise} command: one subcommand per job. */
@Command(name = "tokenwise", mixinStandardHelpOptions = true, version = "tokenwise 0.1.0",
        description = "Cut LLM inference spend with an OpenAI-compatible gateway, and measure the saving.",
        subcommands = {ServeCommand.class, MockUpstreamCommand.class, DemoCommand.class, ReportCommand.class,
                KeysCommand.class, CostCommand.class, EvalCommand.class, RouterCommand.class, AuditCommand.class,
                dev.tokenwise.cli.bench.BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also used by tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }
}
