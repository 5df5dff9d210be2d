package io.crm.imports;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A streaming RFC 4180 reader: comma separated, fields optionally in double quotes ({@code ""} is a quote inside
 * one), records ended by CRLF, LF or CR, UTF-8 with or without a byte-order mark. Hand-written rather than a library
 * so that the limits (columns per record, characters per cell) hold while reading, before a hostile file can grow a
 * huge cell in memory, and so every malformed input is reported with its line number.
 */
final class CsvReader implements Closeable {

    /** The file is not well-formed CSV (or breaks a limit); the message says where and why. */
    static final class CsvException extends RuntimeException {
        CsvException(String message) {
            super(message, null, false, false);
        }
    }

    private final Reader in;
    private final int maxColumns;
    private final int maxCellLength;
    private final char[] buffer = new char[64 * 1024];
    private int pos;
    private int limit;
    private boolean started;
    private long line = 1;
    private long recordLine;

    CsvReader(Reader in, int maxColumns, int maxCellLength) {
        this.in = in;
        this.maxColumns = maxColumns;
        this.maxCellLength = maxCellLength;
    }

    /** A reader of UTF-8 bytes that rejects malformed input instead of replacing it. */
    static CsvReader utf8(InputStream bytes, int maxColumns, int maxCellLength) {
        return new CsvReader(new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                maxColumns, maxCellLength);
    }

    /** The 1-based line on which the last record returned by {@link #next} started. */
    long recordLine() {
        return recordLine;
    }

    /** The next record's cells, or null at the end of the input. */
    List<String> next() throws IOException {
        int c = read();
        if (!started) {
            started = true;
            if (c == '\uFEFF') {
                c = read();
            }
        }
        if (c == -1) {
            return null;
        }
        recordLine = line;
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        while (true) {
            if (c == '"' && cell.isEmpty()) {
                long opened = line;
                while (true) {
                    c = read();
                    if (c == -1) {
                        throw new CsvException("Line " + opened + ": a quoted cell is never closed (missing \")");
                    }
                    if (c == '"') {
                        c = read();
                        if (c != '"') {
                            break;
                        }
                    } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
                        line++;
                    }
                    append(cell, (char) c);
                }
                if (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    throw new CsvException("Line " + line + ": unexpected text after a closing quote (a quote "
                            + "inside a quoted cell must be doubled: \"\")");
                }
            } else {
                while (c != ',' && c != '\n' && c != '\r' && c != -1) {
                    append(cell, (char) c);
                    c = read();
                }
            }
            cells.add(cell.toString());
            if (cells.size() > maxColumns) {
                throw new CsvException("Line " + recordLine + ": more than " + maxColumns + " columns");
            }
            cell.setLength(0);
            if (c == ',') {
                c = read();
                continue;
            }
            if (c == '\r' && peek() == '\n') {
                read();
            }
            if (c != -1) {
                line++;
            }
            return cells;
        }
    }

    private void append(StringBuilder cell, char c) {
        if (cell.length() >= maxCellLength) {
            throw new CsvException("Line " + line + ": a cell is longer than " + maxCellLength + " characters");
        }
        cell.append(c);
    }

    private int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buffer[pos++];
    }

    private int peek() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buffer[pos];
    }

    private boolean fill() throws IOException {
        int n;
        try {
            n = in.read(buffer, 0, buffer.length);
        } catch (CharacterCodingException e) {
            throw new CsvException("Line " + line + ": the file is not UTF-8 text");
        }
        if (n <= 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
