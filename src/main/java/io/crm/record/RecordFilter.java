package io.crm.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.mongodb.client.model.Filters;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/** A resource's list filters (the query parameters of its list), as the MongoDB filter they select. */
public interface RecordFilter {

    /** The filter; throws {@link RecordException.BadQuery} for parameters that cannot be served. */
    Bson toBson();

    /**
     * The conditions every list starts with: live or archived records, and the {@code q} text if given. {@code q} is
     * a literal, case-insensitive "contains" over the search text: quoted, never a regex or an operator.
     */
    static List<Bson> archivedAndText(boolean archived, String q) {
        List<Bson> and = new ArrayList<>();
        and.add(Filters.eq(RecordMeta.ARCHIVED, archived));
        if (q != null && !q.isBlank()) {
            if (q.indexOf('\0') >= 0) {
                // a MongoDB regex is a C string: a NUL cannot be sent (the driver fails), and no stored text has one
                throw new RecordException.BadQuery("q must not contain NUL characters");
            }
            and.add(Filters.regex(RecordMeta.SEARCH, Pattern.quote(q.strip().toLowerCase(Locale.ROOT))));
        }
        return and;
    }

    /** A record id filter parameter (surrounding blanks ignored), or a 400 naming the parameter. */
    static ObjectId recordId(String name, String value) {
        if (!ObjectId.isValid(value.strip())) {
            throw new RecordException.BadQuery(name + " must be a record id");
        }
        return new ObjectId(value.strip());
    }

    static boolean given(String value) {
        return value != null && !value.isBlank();
    }
}
