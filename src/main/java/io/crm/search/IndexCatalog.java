package io.crm.search;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexModel;
import org.bson.BsonDocument;

/** The key patterns declared on one collection (its {@code CollectionIndexes}), as the planner asks about them. */
public record IndexCatalog(List<Key> keys) {

    /** One index: its fields in order, and whether it is unique. */
    public record Key(List<String> fields, boolean unique) {
    }

    public static IndexCatalog of(List<IndexModel> models) {
        List<Key> keys = new ArrayList<>();
        for (IndexModel model : models) {
            BsonDocument pattern = model.getKeys().toBsonDocument(BsonDocument.class,
                    MongoClientSettings.getDefaultCodecRegistry());
            keys.add(new Key(List.copyOf(pattern.keySet()), model.getOptions().isUnique()));
        }
        return new IndexCatalog(List.copyOf(keys));
    }

    /** A unique index on exactly this field: an equality on it is a point lookup. */
    public boolean unique(String field) {
        return keys.stream().anyMatch(k -> k.unique() && k.fields().equals(List.of(field)));
    }

    /** An index whose key pattern starts with {@code prefix}: an equality on it leads, its matches sorted in memory. */
    public boolean starts(List<String> prefix) {
        return keys.stream().anyMatch(k -> k.fields().size() >= prefix.size()
                && k.fields().subList(0, prefix.size()).equals(prefix));
    }

    /** An index whose key pattern starts with {@code prefix}, then {@code sortPath}: equality, then the sort. */
    public boolean leads(List<String> prefix, String sortPath) {
        List<String> wanted = new ArrayList<>(prefix);
        wanted.add(sortPath);
        return keys.stream().anyMatch(k -> k.fields().size() >= wanted.size()
                && k.fields().subList(0, wanted.size()).equals(wanted));
    }
}
