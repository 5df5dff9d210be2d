package io.crm.imports;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * Writes RFC 4180 CSV (CRLF line ends, quotes only where needed). Cells that a spreadsheet would run as a formula
 * (starting with = + - @, or a tab or carriage return that some spreadsheets skip before one) get a leading single
 * quote: exported data must never execute in the reader's spreadsheet (CSV injection). The import strips that quote
 * again ({@link #unguard}), so an export imports back unchanged.
 */
final class CsvWriter {

    private final Writer out;

    CsvWriter(Writer out) {
        this.out = out;
    }

    void row(List<String> cells) throws IOException {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                out.write(',');
            }
            out.write(cell(cells.get(i)));
        }
        out.write("\r\n");
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = guarded(value) ? "'" + value : value;
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static boolean guarded(String value) {
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    }

    /** An imported cell without the guard quote an export added (only where the export would have added one). */
    static String unguard(String value) {
        if (value.length() > 1 && value.charAt(0) == '\'' && guarded(value.substring(1))) {
            return value.substring(1);
        }
        return value;
    }
}
