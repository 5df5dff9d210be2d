package io.crm.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;

class TextColumnTest {

    @Test
    void findsTheDocumentsWhoseValueContainsTheTermInTheDataMapsOrder() {
        TextColumn column = new TextColumn();
        column.set(3, "ada lovelace");
        column.set(1, "grace hopper");
        column.set(2, List.of("alan", "turing"));
        assertThat(column.find("a", 10)).containsExactly(1, 2, 3);
        assertThat(column.find("ing", 10)).containsExactly(2);
        assertThat(column.find("lovelace", 10)).containsExactly(3);
        assertThat(column.find("nobody", 10)).isEmpty();
        // never across two values, nor two elements of one
        assertThat(column.find("hopperalan", 10)).isEmpty();
        assertThat(column.find("alanturing", 10)).isEmpty();
    }

    @Test
    void aValueThatIsNotTextIsAlwaysACandidateAndNoValueNever() {
        TextColumn column = new TextColumn();
        column.set(1, "grace");
        column.set(2, 42);
        column.set(3, null);
        column.set(4, Missing.getInstance());
        column.set(5, List.of("a", 7));
        assertThat(column.find("grace", 10)).containsExactly(1, 2, 5);
        assertThat(column.find("nobody", 10)).containsExactly(2, 5);
        column.set(2, "now text");
        assertThat(column.find("nobody", 10)).containsExactly(5);
    }

    @Test
    void moreThanMostIsNoAnswer() {
        TextColumn column = new TextColumn();
        for (int i = 0; i < 10; i++) {
            column.set(i, "name " + i);
        }
        assertThat(column.find("name", 10)).hasSize(10);
        assertThat(column.find("name", 9)).isNull();
    }

    @Test
    void replacedAndRemovedValuesAreNotFoundAndTheirTextIsCompactedAway() {
        TextColumn column = new TextColumn();
        for (int round = 0; round < 30; round++) {
            for (int i = 0; i < 1000; i++) {
                column.set(i, "round" + round + " person" + i + "@example.test");
            }
        }
        assertThat(column.size()).isEqualTo(1000);
        assertThat(column.find("round28 ", 2000)).isEmpty();
        assertThat(column.find("round29 ", 2000)).hasSize(1000);
        assertThat(column.find("person999@", 10)).containsExactly(999);
        for (int i = 0; i < 1000; i += 2) {
            column.remove(i);
        }
        List<Object> odd = new ArrayList<>();
        for (int i = 1; i < 1000; i += 2) {
            odd.add(i);
        }
        assertThat(column.find("round29", 2000)).isEqualTo(odd);
        assertThat(column.size()).isEqualTo(500);
    }

    @Test
    void aLiteralIsAQuotedTermOrAPatternWithoutMetacharactersAndNoOptionThatChangesIt() {
        assertThat(TextColumn.literal(new BsonRegularExpression(Pattern.quote("a.b (c)"), ""))).isEqualTo("a.b (c)");
        assertThat(TextColumn.literal(new BsonRegularExpression("person1@", ""))).isEqualTo("person1@");
        assertThat(TextColumn.literal(new BsonRegularExpression("person1@", "ms"))).isEqualTo("person1@");
        assertThat(TextColumn.literal(new BsonRegularExpression("person", "i"))).isNull();
        assertThat(TextColumn.literal(new BsonRegularExpression("^acme", ""))).isNull();
        assertThat(TextColumn.literal(new BsonRegularExpression("x.y", ""))).isNull();
        assertThat(TextColumn.literal(new BsonRegularExpression("", ""))).isNull();
        // a quoted term holding \E is quoted in parts: not one literal
        assertThat(TextColumn.literal(new BsonRegularExpression(Pattern.quote("a\\Eb"), ""))).isNull();
    }
}
