package io.crm.imports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.crm.record.RecordException;

/**
 * An uploaded CSV file checked end to end before anything is imported: well-formed, a header row with distinct
 * names, within the row and column limits. What the preview shows and what the import needs up front (the headers
 * and the number of data rows, for a real progress figure). Records whose cells are all empty are not rows.
 *
 * @param sample the first data rows (at most the number asked for)
 */
record CsvFile(List<String> headers, List<List<String>> sample, long totalRows) {

    /** Limits a file must stay within. */
    record Limits(long maxRows, int maxColumns, int maxCellLength) {
    }

    static CsvFile scan(Path file, Limits limits, int sampleRows) {
        try (InputStream in = Files.newInputStream(file);
             CsvReader reader = CsvReader.utf8(in, limits.maxColumns(), limits.maxCellLength())) {
            List<String> headers = reader.next();
            while (headers != null && blank(headers)) {
                headers = reader.next();
            }
            if (headers == null) {
                throw invalid("The file is empty: the first line must name the columns");
            }
            headers = headers.stream().map(String::strip).toList();
            Set<String> seen = new HashSet<>();
            for (String header : headers) {
                if (!header.isEmpty() && !seen.add(header)) {
                    throw invalid("The header row names the column \"" + header + "\" twice");
                }
            }
            List<List<String>> sample = new ArrayList<>();
            long rows = 0;
            for (List<String> record = reader.next(); record != null; record = reader.next()) {
                if (blank(record)) {
                    continue;
                }
                rows++;
                if (rows > limits.maxRows()) {
                    throw invalid("The file has more than " + limits.maxRows() + " data rows; split it");
                }
                if (sample.size() < sampleRows) {
                    sample.add(record);
                }
            }
            return new CsvFile(headers, sample, rows);
        } catch (CsvReader.CsvException e) {
            throw invalid(e.getMessage());
        } catch (IOException e) {
            throw new IllegalStateException("the uploaded file could not be read", e);
        }
    }

    static boolean blank(List<String> record) {
        for (String cell : record) {
            if (!cell.isBlank()) {
                return false;
            }
        }
        return true;
    }

    static RecordException.Invalid invalid(String message) {
        return new RecordException.Invalid("file", message);
    }
}
