package io.crm.checks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * YAML as plain maps and lists (SnakeYAML, safe constructor): strict about duplicate keys and alias bombs, block
 * style when dumping. (ComposeTest reads compose files with Jackson instead: its JSON-schema validator takes
 * Jackson trees.)
 */
public final class Yamls {

    private Yamls() {
    }

    /** A new parser/dumper; SnakeYAML instances are not thread-safe, so every caller gets its own. */
    public static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        DumperOptions dump = new DumperOptions();
        dump.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(options), new Representer(dump), dump, options);
    }

    /** Every non-empty document of a multi-document YAML stream, as maps. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> parseAll(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc == null) {
                continue;
            }
            if (!(doc instanceof Map)) {
                throw new AssertionError("YAML document is not a mapping: " + doc);
            }
            docs.add((Map<String, Object>) doc);
        }
        return docs;
    }

    /** The single mapping document of a file. */
    public static Map<String, Object> load(Path file) {
        List<Map<String, Object>> docs = parseAll(Scratch.read(file));
        if (docs.size() != 1) {
            throw new AssertionError(file + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }
}
