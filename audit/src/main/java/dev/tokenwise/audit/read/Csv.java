package dev.tokenwise.audit.read;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CSV rows read by Jackson's streaming CSV parser (RFC 4180: quoted fields may hold commas, doubled
 * quotes and newlines), each with the line it starts on; blank lines are skipped. One row is held
 * at a time, so a log of any length reads in constant memory.
 */
final class Csv implements Closeable {
    /**
     * One row: its fields, or those read before {@code error} when the parser could not read it
     * (an unterminated quote, text after a closing quote).
     */
    record Row(long line, List<String> fields, String error) {}

    /**
     * How the data rows under a header become records.
     *
     * @param width the number of fields a row must have
     * @param names how the expected columns are named in the width message
     * @param parse a row's line number and fields to a record (throws on a bad row)
     */
    record Columns(int width, String names, BiFunction<Long, List<String>, LogRecord> parse) {}

    private static final CsvMapper MAPPER = CsvMapper.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

    private final JsonParser parser;
    private boolean broken;

    private Csv(Reader in) throws IOException {
        // without a schema each row comes as an array of strings
        this.parser = MAPPER.createParser(in);
    }

    /** The next row, or null at the end (or after a row the parser could not get past). */
    Row next() {
        if (broken) return null;
        try {
            if (parser.nextToken() == null) return null;
            long line = parser.currentLocation().getLineNr(); // the parser has not read past the row's start yet
            List<String> fields = new ArrayList<>();
            try {
                while (parser.nextToken() == JsonToken.VALUE_STRING) fields.add(parser.getText());
                return new Row(line, fields, null);
            } catch (JsonProcessingException e) {
                skipRow();
                return new Row(line, fields, "unreadable CSV row: " + e.getOriginalMessage());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Moves past the rest of a row the parser failed on; a second failure in it ends the file. */
    private void skipRow() throws IOException {
        try {
            JsonToken t;
            do {
                t = parser.nextToken();
            } while (t != null && t != JsonToken.END_ARRAY);
        } catch (JsonProcessingException e) {
            broken = true;
        }
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /**
     * The records of a CSV file: {@code header} turns the first row into the columns of the rest
     * (or throws for a header it does not read). A data row that the parser cannot read, that has a
     * width other than the header's, or that {@code parse} throws on goes to {@code problems} with
     * its line number. Closing the stream closes the file.
     */
    static Stream<LogRecord> records(Path file, ReadProblems problems, Function<List<String>, Columns> header) throws IOException {
        Csv csv = new Csv(Files.newBufferedReader(file, StandardCharsets.UTF_8));
        try {
            Row first = csv.next();
            if (first == null) {
                csv.close();
                return Stream.empty();
            }
            Columns columns = header.apply(first.fields());
            return RowStream.of(emit -> {
                Row row = csv.next();
                if (row == null) return false;
                try {
                    if (row.error() != null) throw new IllegalArgumentException(row.error());
                    if (row.fields().size() != columns.width()) {
                        throw new IllegalArgumentException("expected " + columns.width() + " fields (" + columns.names() + "), got "
                                + row.fields().size());
                    }
                    emit.accept(columns.parse().apply(row.line(), row.fields()));
                } catch (RuntimeException e) {
                    problems.add(file, row.line(), Lines.message(e));
                }
                return true;
            }, csv);
        } catch (RuntimeException e) {
            csv.close();
            throw e;
        }
    }

    /** The fields of one line (format detection reads a file's first line). */
    static List<String> splitLine(String line) {
        try (Csv csv = new Csv(new StringReader(line))) {
            Row row = csv.next();
            return row == null ? List.of() : row.fields();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
