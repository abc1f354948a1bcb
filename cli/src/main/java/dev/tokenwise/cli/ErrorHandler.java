package dev.tokenwise.cli;

import dev.tokenwise.gateway.config.ConfigException;
import picocli.CommandLine;

/** Prints expected failures (bad config, bad input) as one clear line instead of a stack trace. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        if (ex instanceof ConfigException || ex instanceof UserException || ex instanceof IllegalArgumentException) {
            cl.getErr().println(cl.getColorScheme().errorText("tokenwise: " + ex.getMessage()));
            return 2;
        }
        if (ex.getCause() instanceof java.net.BindException || ex instanceof java.net.BindException
                || String.valueOf(ex.getMessage()).contains("Failed to bind")) {
            cl.getErr().println(cl.getColorScheme().errorText("tokenwise: cannot listen: " + ex.getMessage()));
            return 2;
        }
        cl.getErr().println(cl.getColorScheme().errorText("tokenwise: " + ex));
        ex.printStackTrace(cl.getErr());
        return 1;
    }
}
