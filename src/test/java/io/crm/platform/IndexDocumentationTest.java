package io.crm.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexModel;
import io.crm.store.CollectionIndexes;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import io.crm.support.ApiTest;

/**
 * docs/indexes.md lists exactly the indexes declared in code. Run with {@code -Dindexes.write=true} to rewrite the
 * table after changing a declaration.
 */
class IndexDocumentationTest extends ApiTest {

    private static final Path DOC = Path.of("docs/indexes.md");
    private static final String START = "<!-- index-table:start -->";
    private static final String END = "<!-- index-table:end -->";

    @Autowired
    List<CollectionIndexes> declarations;

    @Test
    void docsListEveryDeclaredIndex() throws IOException {
        String table = table();
        String doc = Files.readString(DOC);
        int start = doc.indexOf(START);
        int end = doc.indexOf(END);
        assertThat(start).as("docs/indexes.md has the table markers").isNotNegative();
        assertThat(end).isGreaterThan(start);
        if (Boolean.getBoolean("indexes.write")) {
            Files.writeString(DOC, doc.substring(0, start + START.length()) + "\n" + table + doc.substring(end));
            return;
        }
        assertThat(doc.substring(start + START.length(), end).strip())
                .as("docs/indexes.md is out of date; rerun this test with -Dindexes.write=true")
                .isEqualTo(table.strip());
    }

    private String table() {
        // sorted: declaration order can follow a Map's, which differs between runs
        String rows = declarations.stream()
                .flatMap(d -> d.indexes().stream().map(i -> row(d.collection(), i)))
                .sorted()
                .collect(Collectors.joining("\n"));
        return "| collection | index | keys | options |\n|---|---|---|---|\n" + rows + "\n";
    }

    private static String row(String collection, IndexModel index) {
        BsonDocument keys = index.getKeys().toBsonDocument(BsonDocument.class,
                MongoClientSettings.getDefaultCodecRegistry());
        String options = ((index.getOptions().isUnique() ? "unique " : "")
                + (index.getOptions().isSparse() ? "sparse" : "")).strip();
        return "| " + collection + " | `" + index.getOptions().getName() + "` | `" + keys.toJson() + "` | "
                + (options.isEmpty() ? "-" : options) + " |";
    }
}
