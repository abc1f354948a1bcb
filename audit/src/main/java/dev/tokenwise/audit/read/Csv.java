package dev.tokenwise.audit.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** A small RFC 4180 reader: quoted fields may hold commas, doubled quotes and newlines; rows keep their first line number. */
final class Csv implements Iterator<Csv.Row> {
    record Row(long line, List<String> fields) {}

    private final BufferedReader in;
    private long lineNo = 1;
    private Row next;
    private boolean done;

    Csv(BufferedReader in) {
        this.in = in;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) next = readRow();
        return next != null;
    }

    @Override
    public Row next() {
        if (!hasNext()) throw new NoSuchElementException();
        Row r = next;
        next = null;
        return r;
    }

    private Row readRow() {
        try {
            int c = in.read();
            while (c == '\n' || c == '\r') { // blank lines
                if (c == '\n') lineNo++;
                c = in.read();
            }
            if (c == -1) {
                done = true;
                return null;
            }
            long start = lineNo;
            List<String> fields = new ArrayList<>();
            StringBuilder f = new StringBuilder();
            boolean quoted = false;
            boolean wasQuoted = false;
            while (true) {
                if (c == -1) {
                    if (quoted) {
                        fields.add(f.toString());
                        fields.add(null); // marks an unterminated quote
                        return new Row(start, fields);
                    }
                    fields.add(f.toString());
                    return new Row(start, fields);
                }
                char ch = (char) c;
                if (quoted) {
                    if (ch == '"') {
                        in.mark(1);
                        int d = in.read();
                        if (d == '"') {
                            f.append('"');
                        } else {
                            quoted = false;
                            if (d != -1) in.reset();
                        }
                    } else {
                        if (ch == '\n') lineNo++;
                        f.append(ch);
                    }
                } else if (ch == '"' && f.isEmpty() && !wasQuoted) {
                    quoted = true;
                    wasQuoted = true;
                } else if (ch == ',') {
                    fields.add(f.toString());
                    f.setLength(0);
                    wasQuoted = false;
                } else if (ch == '\n' || ch == '\r') {
                    if (ch == '\r') {
                        in.mark(1);
                        if (in.read() != '\n') in.reset();
                    }
                    lineNo++;
                    fields.add(f.toString());
                    return new Row(start, fields);
                } else {
                    f.append(ch);
                }
                c = in.read();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The data rows of {@code csv} (header already read) as records. A row with an unterminated quote,
     * a width other than {@code width}, or that {@code parse} throws on goes to {@code problems};
     * closing the stream closes {@code in}.
     *
     * @param columns how the expected columns are named in the width message
     */
    static Stream<LogRecord> records(Csv csv, BufferedReader in, Path file, ReadProblems problems, int width, String columns,
                                     BiFunction<Long, List<String>, LogRecord> parse) {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(csv, 0), false).map(row -> {
            try {
                List<String> f = row.fields();
                if (f.contains(null)) throw new IllegalArgumentException("unterminated quoted field");
                if (f.size() != width) {
                    throw new IllegalArgumentException("expected " + width + " fields (" + columns + "), got " + f.size());
                }
                return parse.apply(row.line(), f);
            } catch (RuntimeException e) {
                problems.add(file, row.line(), Lines.message(e));
                return null;
            }
        }).filter(Objects::nonNull).onClose(() -> {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Splits one line (no embedded newlines) for format detection. */
    static List<String> splitLine(String line) {
        try (BufferedReader r = new BufferedReader(new java.io.StringReader(line))) {
            Csv c = new Csv(r);
            return c.hasNext() ? c.next().fields() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
