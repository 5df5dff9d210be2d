package io.crm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.mongodb.MongoExecutionTimeoutException;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The total's cap and the time limit, with the queries stubbed (the real ones run in SearchApiTest). */
class SearchExecutorTest {

    private static final SearchSchemas.ObjectSchema DEALS = BuiltInSchemas.deals(List.of("lead"));

    private static SearchRequest request(int limit) {
        return new SearchParser(DEALS.with(List.of()), DEALS.sorts(), 100, "me").parse(Map.of("limit", limit));
    }

    private static SearchPlanner.Plan plan(SearchRequest request) {
        return new SearchPlanner(IndexCatalog.of(List.of())).plan(request);
    }

    /** Queries over {@code count} records (each with a createdAt), counting at most the limit asked. */
    private static SearchExecutor.Queries records(int count) {
        return new SearchExecutor.Queries() {
            @Override
            public List<Document> find(Bson filter, Bson sort, int limit) {
                List<Document> found = new ArrayList<>();
                for (int i = 0; i < Math.min(limit, count); i++) {
                    found.add(new Document("_id", new ObjectId()).append(RecordMeta.META,
                            new Document("createdAt", new java.util.Date(1_000_000L - i))));
                }
                return found;
            }

            @Override
            public long count(Bson filter, int limit) {
                return Math.min(limit, count);
            }
        };
    }

    /** Queries whose pages come from {@code find} (given the limit asked) and whose count is {@code count}. */
    private static SearchExecutor.Queries queries(java.util.function.IntFunction<List<Document>> find, long count) {
        return new SearchExecutor.Queries() {
            @Override
            public List<Document> find(Bson filter, Bson sort, int limit) {
                return find.apply(limit);
            }

            @Override
            public long count(Bson filter, int limit) {
                return count;
            }
        };
    }

    @Test
    void theTotalIsExactUpToTheCapAndALowerBoundBeyond() {
        SearchExecutor executor = new SearchExecutor(3, 5000);
        SearchRequest request = request(2);
        Map<String, Object> exact = executor.run(plan(request), request, records(3), d -> Map.of());
        assertThat(exact).containsEntry("total", 3L).doesNotContainKey("totalIsLowerBound");
        assertThat(exact.get("nextCursor")).isNotNull();
        assertThat((List<?>) exact.get("items")).hasSize(2);

        Map<String, Object> capped = executor.run(plan(request), request, records(4), d -> Map.of());
        assertThat(capped).containsEntry("total", 3L).containsEntry("totalIsLowerBound", true);

        Map<String, Object> lastPage = executor.run(plan(request(5)), request(5), records(2), d -> Map.of());
        assertThat(lastPage).containsEntry("total", 2L).containsEntry("nextCursor", null);
        assertThat(SearchExecutor.TOTAL_CAP).isEqualTo(10_000);
    }

    @Test
    void aSearchThatCountsNothingReadsNoPageAndOneWithoutATotalReadsItsPage() {
        SearchExecutor executor = new SearchExecutor(5000);
        SearchRequest request = request(2);
        int[] finds = {0};
        Map<String, Object> empty = executor.run(plan(request), request, queries(limit -> {
            finds[0]++;
            return List.of();
        }, 0), d -> Map.of());
        assertThat(empty).containsEntry("total", 0L).containsEntry("nextCursor", null);
        assertThat((List<?>) empty.get("items")).isEmpty();
        assertThat(finds[0]).as("no page read for a total of 0").isZero();

        Map<String, Object> page = executor.run(plan(request), request,
                queries(limit -> records(3).find(null, null, limit), SearchExecutor.NOT_COUNTED), d -> Map.of());
        assertThat((List<?>) page.get("items")).hasSize(2);
        assertThat(page.get("nextCursor")).isNotNull();
    }

    @Test
    void aTimeoutIsA503NeverAPartialResult() {
        SearchExecutor executor = new SearchExecutor(5000);
        SearchRequest request = request(2);
        SearchExecutor.Queries slowCount = new SearchExecutor.Queries() {
            @Override
            public List<Document> find(Bson filter, Bson sort, int limit) {
                return records(2).find(filter, sort, limit);
            }

            @Override
            public long count(Bson filter, int limit) {
                throw new MongoExecutionTimeoutException(50, "operation exceeded time limit");
            }
        };
        assertThatThrownBy(() -> executor.run(plan(request), request, slowCount, d -> Map.of()))
                .isInstanceOfSatisfying(RecordException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("time limit of 5000 ms");
                });
    }

    @Test
    void aForeignCursorIsA400NamingAfter() {
        SearchRequest request = new SearchParser(DEALS.with(List.of()), DEALS.sorts(), 100, "me")
                .parse(Map.of("after", "not-a-cursor"));
        assertThatThrownBy(() -> new SearchExecutor(5000).run(plan(request), request, records(1), d -> Map.of()))
                .isInstanceOfSatisfying(RecordException.Invalid.class,
                        e -> assertThat(e.errors().get(0).field()).isEqualTo("after"));
    }
}
