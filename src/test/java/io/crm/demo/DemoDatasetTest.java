package io.crm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

class DemoDatasetTest {

    private static final Instant NOW = Instant.parse("2026-03-10T14:30:00Z");
    private static final List<String> STAGES = List.of("lead", "qualified", "proposal", "negotiation", "won", "lost");
    private static final List<String> CLOSED = List.of("won", "lost");

    private final DemoDataset data = DemoDataset.generate(DemoDataSeeder.SEED, NOW, STAGES, CLOSED);

    @Test
    void hasTheDefinedCounts() {
        assertThat(data.companies()).hasSize(50);
        assertThat(data.contacts()).hasSize(300);
        assertThat(data.deals()).hasSize(80);
        assertThat(data.activities()).hasSize(400).hasSize(DemoDataset.ACTIVITIES);
    }

    @Test
    void theSameSeedAndDayGiveTheSameData() {
        assertThat(DemoDataset.generate(DemoDataSeeder.SEED, NOW, STAGES, CLOSED)).isEqualTo(data);
        assertThat(DemoDataset.generate(DemoDataSeeder.SEED + 1, NOW, STAGES, CLOSED)).isNotEqualTo(data);
    }

    @Test
    void companiesHaveUniqueNamesAndDomainsAndContactsEmailsOnThem() {
        assertThat(data.companies().stream().map(c -> c.get("name")).distinct()).hasSize(50);
        assertThat(data.companies().stream().map(c -> c.get("domain")).distinct()).hasSize(50);
        assertThat(data.companies()).allSatisfy(c -> assertThat((String) c.get("domain")).endsWith(".example"));
        assertThat(DemoDataset.domainOf("Juniper & Finch")).isEqualTo("juniper-and-finch.example");
        Set<String> emails = new HashSet<>();
        for (DemoDataset.ContactSeed contact : data.contacts()) {
            String email = (String) contact.body().get("email");
            assertThat(emails.add(email)).as("unique email %s", email).isTrue();
            assertThat(email).endsWith("@" + data.companies().get(contact.company()).get("domain"));
            assertThat(contact.body()).containsKeys("name", "title");
        }
        assertThat(data.contacts().stream().map(c -> c.body().get("name")).distinct()).hasSize(300);
        // every company has people
        assertThat(data.contacts().stream().map(DemoDataset.ContactSeed::company).distinct()).hasSize(50);
    }

    @Test
    void dealsUseEveryStageTwoCurrenciesAndTheirCompanysContacts() {
        assertThat(data.deals().stream().map(d -> last(d.stages())).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(STAGES);
        assertThat(data.deals().stream().map(d -> d.body().get("currency")).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("EUR", "USD");
        for (DemoDataset.DealSeed deal : data.deals()) {
            assertThat(deal.stages().get(0)).isEqualTo("lead");
            assertThat(deal.body().get("stage")).isEqualTo("lead");
            assertThat(STAGES).containsAll(deal.stages());
            // the history moves forward through the pipeline
            List<Integer> positions = deal.stages().stream().map(STAGES::indexOf).toList();
            assertThat(positions).isSorted().doesNotHaveDuplicates();
            assertThat(new BigDecimal((String) deal.body().get("amount"))).isPositive();
            assertThat(deal.contacts()).isNotEmpty()
                    .allSatisfy(c -> assertThat(data.contacts().get(c).company()).isEqualTo(deal.company()));
            LocalDate close = LocalDate.parse((String) deal.body().get("expectedCloseDate"));
            if (CLOSED.contains(last(deal.stages()))) {
                assertThat(close).isBefore(LocalDate.parse("2026-03-10"));
            } else {
                assertThat(close).isAfter(LocalDate.parse("2026-03-10"));
            }
        }
    }

    @Test
    void stagesComeFromThePipelineGiven() {
        List<String> stages = List.of("new", "demo", "trial", "signed", "churned");
        DemoDataset other = DemoDataset.generate(DemoDataSeeder.SEED, NOW, stages, List.of("signed", "churned"));
        assertThat(other.deals().stream().map(d -> last(d.stages())).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(stages);
        assertThat(other.deals()).allSatisfy(d -> assertThat(d.body().get("stage")).isEqualTo("new"));
    }

    @Test
    void activitiesAreNotesCallsAndDoneOpenAndOverdueTasksDatedFromNow() {
        Map<String, Long> types = data.activities().stream()
                .collect(Collectors.groupingBy(a -> (String) a.body().get("type"), Collectors.counting()));
        assertThat(types).containsEntry("note", 120L).containsEntry("call", 100L).containsEntry("meeting", 30L)
                .containsEntry("email", 30L).containsEntry("task", 120L);
        List<Map<String, Object>> tasks = data.activities().stream().map(DemoDataset.ActivitySeed::body)
                .filter(b -> b.get("type").equals("task")).toList();
        assertThat(tasks).allSatisfy(t -> assertThat(t).containsKey("dueAt"));
        assertThat(tasks.stream().filter(t -> t.containsKey("completedAt"))).hasSize(60)
                .allSatisfy(t -> assertThat(Instant.parse((String) t.get("completedAt"))).isBeforeOrEqualTo(NOW));
        List<Map<String, Object>> open = tasks.stream().filter(t -> !t.containsKey("completedAt")).toList();
        assertThat(open.stream().filter(t -> Instant.parse((String) t.get("dueAt")).isBefore(NOW))).hasSize(20);
        assertThat(open.stream().filter(t -> Instant.parse((String) t.get("dueAt")).isAfter(NOW))).hasSize(40);
        for (DemoDataset.ActivitySeed activity : data.activities()) {
            assertThat(data.contacts().get(activity.contact()).company()).isEqualTo(activity.company());
            String subject = (String) activity.body().get("subject");
            assertThat(subject).doesNotContain("{").isNotBlank();
            if (activity.deal() >= 0) {
                assertThat(data.deals().get(activity.deal()).company()).isEqualTo(activity.company());
            }
        }
        assertThat(data.activities().stream().filter(a -> a.deal() >= 0).count()).isBetween(100L, 300L);
    }

    private static String last(List<String> list) {
        return list.get(list.size() - 1);
    }
}
