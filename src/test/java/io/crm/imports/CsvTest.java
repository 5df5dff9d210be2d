package io.crm.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The CSV reader and writer on their own: RFC 4180 cases, limits, formula guarding and its reversal. */
class CsvTest {

    private static List<List<String>> read(String csv) throws IOException {
        return read(new CsvReader(new StringReader(csv), 10, 20));
    }

    private static List<List<String>> read(CsvReader reader) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        for (List<String> row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void readsQuotedCellsEscapedQuotesEmbeddedLineBreaksAndEveryLineEnd() throws IOException {
        assertThat(read("a,b\r\n\"x,1\",\"say \"\"hi\"\"\"\n\"two\r\nlines\",\rlast,\n"))
                .containsExactly(List.of("a", "b"), List.of("x,1", "say \"hi\""), List.of("two\r\nlines", ""),
                        List.of("last", ""));
        assertThat(read("a\n\nb")).containsExactly(List.of("a"), List.of(""), List.of("b"));
        assertThat(read("")).isEmpty();
        // a quote inside an unquoted cell is just a character
        assertThat(read("5\" disk,x")).containsExactly(List.of("5\" disk", "x"));
    }

    @Test
    void aByteOrderMarkIsSkippedAndMalformedUtf8IsReported() throws IOException {
        byte[] bom = "\uFEFFname\nAnn\n".getBytes(StandardCharsets.UTF_8);
        assertThat(read(CsvReader.utf8(new ByteArrayInputStream(bom), 10, 100)))
                .containsExactly(List.of("name"), List.of("Ann"));
        byte[] latin1 = "name\nJos\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> read(CsvReader.utf8(new ByteArrayInputStream(latin1), 10, 100)))
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void malformedInputAndBrokenLimitsAreReportedWithTheirLine() {
        assertThatThrownBy(() -> read("a\nb\n\"open\nstill open")).isInstanceOf(CsvReader.CsvException.class)
                .hasMessage("Line 3: a quoted cell is never closed (missing \")");
        assertThatThrownBy(() -> read("a\n\"q\"x,b")).hasMessageStartingWith("Line 2: unexpected text after");
        assertThatThrownBy(() -> read("a,b,c,d,e,f,g,h,i,j,k")).hasMessage("Line 1: more than 10 columns");
        assertThatThrownBy(() -> read("ok\n" + "x".repeat(21))).hasMessage(
                "Line 2: a cell is longer than 20 characters");
        assertThatThrownBy(() -> read("\"" + "x".repeat(21) + "\"")).hasMessageContaining("longer than 20");
    }

    @Test
    void theWriterQuotesWhereNeededAndGuardsFormulas() throws IOException {
        StringWriter out = new StringWriter();
        new CsvWriter(out).row(List.of("plain", "a,b", "say \"hi\"", "two\nlines", "", "=1+2", "+1 555", "-3",
                "@x", "\tcmd", "a=b"));
        assertThat(out.toString()).isEqualTo("plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,'=1+2,'+1 555,'-3,"
                + "'@x,'\tcmd,a=b\r\n");
        // what the writer wrote reads back as it was written, and the import removes the guard again
        List<String> back = read(new CsvReader(new StringReader(out.toString()), 20, 100)).get(0);
        assertThat(back.stream().map(CsvWriter::unguard).toList()).containsExactly("plain", "a,b", "say \"hi\"",
                "two\nlines", "", "=1+2", "+1 555", "-3", "@x", "\tcmd", "a=b");
        assertThat(CsvWriter.unguard("'quoted'")).isEqualTo("'quoted'");
        assertThat(CsvWriter.unguard("'")).isEqualTo("'");
    }
}
