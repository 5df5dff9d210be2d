package io.crm.demo;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.crm.demo.DemoVocabulary.CompanyName;
import io.crm.demo.DemoVocabulary.Region;

/**
 * A small, realistic CRM dataset as API request bodies, generated from a fixed seed so every demo looks the same,
 * with every date relative to {@code now}. Records refer to each other by position (a contact's company is an index
 * into {@link #companies}); the seeder turns positions into ids as it creates them. Plain Java: no Spring, no
 * database.
 *
 * @param companies  company bodies
 * @param contacts   contact bodies and their company
 * @param deals      deal bodies, their company and contacts, and the stages the deal went through (the first is
 *                   the stage it was created in, the last the one it is in)
 * @param activities activity bodies and what they are about
 */
public record DemoDataset(List<Map<String, Object>> companies, List<ContactSeed> contacts, List<DealSeed> deals,
                          List<ActivitySeed> activities) {

    public static final int COMPANIES = 50;
    public static final int CONTACTS = 300;
    public static final int DEALS = 80;
    public static final int NOTES = 120;
    public static final int CALLS = 100;
    public static final int MEETINGS = 30;
    public static final int EMAILS = 30;
    public static final int DONE_TASKS = 60;
    public static final int OVERDUE_TASKS = 20;
    public static final int UPCOMING_TASKS = 40;
    public static final int ACTIVITIES = NOTES + CALLS + MEETINGS + EMAILS + DONE_TASKS + OVERDUE_TASKS
            + UPCOMING_TASKS;

    /** A contact and the position of its company. */
    public record ContactSeed(int company, Map<String, Object> body) {
    }

    /** A deal, the positions of its company and contacts, and its stage history (created in the first). */
    public record DealSeed(int company, List<Integer> contacts, List<String> stages, Map<String, Object> body) {
    }

    /** An activity and the positions of the contact, company and (or -1) deal it is about. */
    public record ActivitySeed(int contact, int company, int deal, Map<String, Object> body) {
    }

    /**
     * The dataset for a pipeline.
     *
     * @param stages       the pipeline's stages in order ({@code crm.deals.stages})
     * @param closedStages those of them that close a deal ({@code crm.deals.closed-stages})
     */
    public static DemoDataset generate(long seed, Instant now, List<String> stages, List<String> closedStages) {
        return new Generator(new Random(seed), now, stages, closedStages).generate();
    }

    private static final class Generator {

        private final Random random;
        private final Instant now;
        private final LocalDate today;
        private final List<String> stages;
        private final List<String> openStages;
        private final List<String> closedStages;
        private final List<Map<String, Object>> companies = new ArrayList<>();
        private final List<Region> companyRegions = new ArrayList<>();
        private final List<ContactSeed> contacts = new ArrayList<>();
        private final List<List<Integer>> contactsOf = new ArrayList<>();
        private final List<DealSeed> deals = new ArrayList<>();

        Generator(Random random, Instant now, List<String> stages, List<String> closedStages) {
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("the pipeline has no stages");
            }
            this.random = random;
            this.now = now.truncatedTo(ChronoUnit.SECONDS);
            this.today = LocalDate.ofInstant(now, ZoneOffset.UTC);
            this.stages = List.copyOf(stages);
            this.closedStages = stages.stream().filter(closedStages::contains).toList();
            this.openStages = stages.stream().filter(s -> !closedStages.contains(s)).toList();
        }

        DemoDataset generate() {
            companies();
            contacts();
            deals();
            return new DemoDataset(List.copyOf(companies), List.copyOf(contacts), List.copyOf(deals), activities());
        }

        private void companies() {
            List<CompanyName> names = new ArrayList<>(DemoVocabulary.COMPANIES);
            Collections.shuffle(names, random);
            for (CompanyName name : names.subList(0, COMPANIES)) {
                // about half in the US (USD), the rest in the euro area (EUR)
                Region region = random.nextBoolean() ? DemoVocabulary.REGIONS.get(0)
                        : pick(DemoVocabulary.REGIONS.subList(1, DemoVocabulary.REGIONS.size()));
                Map<String, Object> address = new LinkedHashMap<>();
                address.put("street", (1 + random.nextInt(240)) + " " + pick(DemoVocabulary.STREETS));
                address.put("city", pick(region.cities()));
                address.put("postalCode", String.format(Locale.ROOT, "%05d", 10000 + random.nextInt(89999)));
                address.put("country", region.country());
                Map<String, Object> company = new LinkedHashMap<>();
                company.put("name", name.name());
                company.put("domain", domainOf(name.name()));
                company.put("industry", name.industry());
                if (region.country().equals("US")) {
                    company.put("phone", fictionalUsPhone());
                }
                company.put("address", address);
                company.put("tags", tags(DemoVocabulary.COMPANY_TAGS, 1 + random.nextInt(2)));
                companies.add(company);
                companyRegions.add(region);
                contactsOf.add(new ArrayList<>());
            }
        }

        private void contacts() {
            // one person per name, so no two demo contacts look like duplicates of each other (the contact page
            // warns about those)
            Set<String> names = new HashSet<>();
            for (int i = 0; i < CONTACTS; i++) {
                // every company gets one contact first, the rest go where they fall
                int company = i < COMPANIES ? i : random.nextInt(COMPANIES);
                String domain = (String) companies.get(company).get("domain");
                String first;
                String last;
                String email;
                do {
                    first = pick(DemoVocabulary.FIRST_NAMES);
                    last = pick(DemoVocabulary.LAST_NAMES);
                    email = localPart(first) + "." + localPart(last) + "@" + domain;
                } while (!names.add(first + " " + last));
                Map<String, Object> contact = new LinkedHashMap<>();
                contact.put("name", first + " " + last);
                contact.put("email", email);
                if (companyRegions.get(company).country().equals("US") && random.nextInt(3) > 0) {
                    contact.put("phone", fictionalUsPhone());
                }
                contact.put("title", pick(DemoVocabulary.TITLES));
                if (random.nextInt(3) > 0) {
                    contact.put("tags", tags(DemoVocabulary.CONTACT_TAGS, 1 + random.nextInt(2)));
                }
                contactsOf.get(company).add(contacts.size());
                contacts.add(new ContactSeed(company, contact));
            }
        }

        private void deals() {
            Set<String> titles = new HashSet<>();
            for (int i = 0; i < DEALS; i++) {
                // every stage gets a deal first; then more deals early in the pipeline than late
                String stage = i < stages.size() ? stages.get(i) : weightedStage();
                int company;
                String title;
                do {
                    company = random.nextInt(COMPANIES);
                    title = companies.get(company).get("name") + " – " + pick(DemoVocabulary.DEAL_PRODUCTS);
                } while (!titles.add(title));
                List<Integer> candidates = new ArrayList<>(contactsOf.get(company));
                Collections.shuffle(candidates, random);
                List<Integer> dealContacts = List.copyOf(candidates.subList(0,
                        Math.min(candidates.size(), 1 + random.nextInt(3))));
                boolean closed = closedStages.contains(stage);
                Map<String, Object> deal = new LinkedHashMap<>();
                deal.put("title", title);
                deal.put("amount", amount());
                deal.put("currency", companyRegions.get(company).currency());
                deal.put("stage", stages.get(0));
                // open deals are expected to close in the coming weeks, closed ones were expected in the past ones
                deal.put("expectedCloseDate", (closed ? today.minusDays(1 + random.nextInt(60))
                        : today.plusDays(7 + random.nextInt(90))).toString());
                deals.add(new DealSeed(company, dealContacts, history(stage), deal));
            }
        }

        private String weightedStage() {
            // weight n, n-1, ..., 1 over the stages in order
            int n = stages.size();
            int ticket = random.nextInt(n * (n + 1) / 2);
            for (int i = 0; i < n; i++) {
                ticket -= n - i;
                if (ticket < 0) {
                    return stages.get(i);
                }
            }
            return stages.get(n - 1);
        }

        /** The stages a deal went through to reach {@code stage}: the first stage, open ones in order, then it. */
        private List<String> history(String stage) {
            List<String> path = new ArrayList<>();
            path.add(stages.get(0));
            if (closedStages.contains(stage)) {
                // a closed deal got some way through the open stages first
                int reached = openStages.isEmpty() ? 0 : random.nextInt(openStages.size() + 1);
                for (String open : openStages.subList(0, reached)) {
                    if (!path.contains(open)) {
                        path.add(open);
                    }
                }
            } else {
                for (String open : openStages.subList(0, openStages.indexOf(stage) + 1)) {
                    if (!path.contains(open)) {
                        path.add(open);
                    }
                }
            }
            if (!path.get(path.size() - 1).equals(stage)) {
                path.add(stage);
            }
            return List.copyOf(path);
        }

        private String amount() {
            // mostly small and mid-sized deals, a few large ones; whole hundreds
            double scale = random.nextInt(10) < 8 ? 2_000 + random.nextInt(38_000) : 40_000 + random.nextInt(160_000);
            return new BigDecimal(Math.round(scale / 100) * 100).setScale(2).toPlainString();
        }

        private List<ActivitySeed> activities() {
            List<ActivitySeed> activities = new ArrayList<>();
            add(activities, NOTES, "note", DemoVocabulary.NOTE_SUBJECTS, Due.NONE);
            add(activities, CALLS, "call", DemoVocabulary.CALL_SUBJECTS, Due.NONE);
            add(activities, MEETINGS, "meeting", DemoVocabulary.MEETING_SUBJECTS, Due.NONE);
            add(activities, EMAILS, "email", DemoVocabulary.EMAIL_SUBJECTS, Due.NONE);
            add(activities, DONE_TASKS, "task", DemoVocabulary.TASK_SUBJECTS, Due.DONE);
            add(activities, OVERDUE_TASKS, "task", DemoVocabulary.TASK_SUBJECTS, Due.OVERDUE);
            add(activities, UPCOMING_TASKS, "task", DemoVocabulary.TASK_SUBJECTS, Due.UPCOMING);
            // interleaved, as they would have been recorded
            Collections.shuffle(activities, random);
            return List.copyOf(activities);
        }

        private enum Due { NONE, DONE, OVERDUE, UPCOMING }

        private void add(List<ActivitySeed> activities, int count, String type, List<String> subjects, Due due) {
            for (int i = 0; i < count; i++) {
                int deal = -1;
                int contact;
                // a subject that names a deal needs one; otherwise four in ten are about a deal anyway
                String subject = pick(subjects);
                if (subject.contains("{deal}") || random.nextInt(10) < 4) {
                    deal = random.nextInt(DEALS);
                    List<Integer> dealContacts = deals.get(deal).contacts();
                    contact = dealContacts.isEmpty() ? contactsOf.get(deals.get(deal).company()).get(0)
                            : dealContacts.get(random.nextInt(dealContacts.size()));
                } else {
                    contact = random.nextInt(CONTACTS);
                }
                int company = contacts.get(contact).company();
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("type", type);
                body.put("subject", fill(subject, contact, company, deal));
                if (type.equals("note") && random.nextBoolean()) {
                    body.put("body", pick(DemoVocabulary.NOTE_BODIES));
                }
                switch (due) {
                    case DONE -> {
                        Instant dueAt = dueAt(-30, -1);
                        body.put("dueAt", dueAt.toString());
                        // done on time or a little late, never in the future
                        Instant done = dueAt.plus(Duration.ofHours(random.nextInt(72) - 24));
                        body.put("completedAt", (done.isAfter(now) ? now : done).toString());
                    }
                    case OVERDUE -> body.put("dueAt", dueAt(-10, -1).toString());
                    case UPCOMING -> body.put("dueAt", dueAt(1, 21).toString());
                    case NONE -> {
                    }
                }
                activities.add(new ActivitySeed(contact, company, deal, body));
            }
        }

        /** A due time at the end of a business day {@code from} to {@code to} days from today (17:00 UTC). */
        private Instant dueAt(int from, int to) {
            int days = from + random.nextInt(to - from + 1);
            return today.plusDays(days).atTime(17, 0).toInstant(ZoneOffset.UTC);
        }

        private String fill(String subject, int contact, int company, int deal) {
            String name = (String) contacts.get(contact).body().get("name");
            return subject.replace("{first}", name.substring(0, name.indexOf(' ')))
                    .replace("{company}", (String) companies.get(company).get("name"))
                    .replace("{deal}", deal < 0 ? "" : (String) deals.get(deal).body().get("title"));
        }

        private List<String> tags(List<String> from, int count) {
            List<String> shuffled = new ArrayList<>(from);
            Collections.shuffle(shuffled, random);
            return List.copyOf(shuffled.subList(0, count));
        }

        private String fictionalUsPhone() {
            // 555-0100 to 555-0199 are reserved for fiction in every US area code
            return String.format(Locale.ROOT, "+1 %d 555 01%02d", 200 + random.nextInt(780), random.nextInt(100));
        }

        private <T> T pick(List<T> from) {
            return from.get(random.nextInt(from.size()));
        }
    }

    /** The company's web domain under the reserved {@code .example} top-level domain. */
    static String domainOf(String companyName) {
        return companyName.toLowerCase(Locale.ROOT).replace("&", "and").replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "") + ".example";
    }

    private static String localPart(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }
}
