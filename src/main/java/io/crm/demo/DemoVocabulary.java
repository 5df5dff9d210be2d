package io.crm.demo;

import java.util.List;

/**
 * The words the demo dataset is made of, written for it: invented company names (on the reserved {@code .example}
 * domain, so no demo email can reach anyone), common first and last names, titles, subjects. Phone numbers only
 * where a range is reserved for fiction (US 555-0100 to 555-0199).
 */
final class DemoVocabulary {

    private DemoVocabulary() {
    }

    /** A company name and its industry. */
    record CompanyName(String name, String industry) {
    }

    /** Where a company is: country (ISO 3166-1), its cities, and its deals' currency. */
    record Region(String country, String currency, List<String> cities) {
    }

    static final List<CompanyName> COMPANIES = List.of(
            new CompanyName("Bluefin Software", "Software"),
            new CompanyName("Quillstone Systems", "Software"),
            new CompanyName("Lattice Peak Labs", "Software"),
            new CompanyName("Ravenmoor Digital", "Software"),
            new CompanyName("Tidewell Cloud", "Software"),
            new CompanyName("Ironbark Fabrication", "Manufacturing"),
            new CompanyName("Castellan Tooling", "Manufacturing"),
            new CompanyName("Kestrel Components", "Manufacturing"),
            new CompanyName("Oakridge Metalworks", "Manufacturing"),
            new CompanyName("Veldhoven Precision", "Manufacturing"),
            new CompanyName("Harborline Freight", "Logistics"),
            new CompanyName("Meridian Cargo", "Logistics"),
            new CompanyName("Swiftway Logistics", "Logistics"),
            new CompanyName("Polder Transport", "Logistics"),
            new CompanyName("Northgate Shipping", "Logistics"),
            new CompanyName("Clearbrook Health", "Healthcare"),
            new CompanyName("Alder Medical", "Healthcare"),
            new CompanyName("Sunfield Clinics", "Healthcare"),
            new CompanyName("Lindqvist Diagnostics", "Healthcare"),
            new CompanyName("Mosaic Care Partners", "Healthcare"),
            new CompanyName("Juniper & Finch", "Retail"),
            new CompanyName("Fieldhouse Outfitters", "Retail"),
            new CompanyName("Marigold Market", "Retail"),
            new CompanyName("Copper Kettle Goods", "Retail"),
            new CompanyName("Hollis Home", "Retail"),
            new CompanyName("Granite Ledger", "Financial Services"),
            new CompanyName("Beacon Trust Advisors", "Financial Services"),
            new CompanyName("Silverline Capital", "Financial Services"),
            new CompanyName("Keystone Mutual", "Financial Services"),
            new CompanyName("Arbor Insurance Group", "Financial Services"),
            new CompanyName("Windspire Energy", "Energy"),
            new CompanyName("Solvane Power", "Energy"),
            new CompanyName("Greenvale Utilities", "Energy"),
            new CompanyName("Brightcurrent Solar", "Energy"),
            new CompanyName("Hydra Grid Services", "Energy"),
            new CompanyName("Lanternhouse Learning", "Education"),
            new CompanyName("Scholar Bridge", "Education"),
            new CompanyName("Brookside Academy Group", "Education"),
            new CompanyName("Cedar Path Training", "Education"),
            new CompanyName("Bellhaven Hotels", "Hospitality"),
            new CompanyName("Saltmarsh Resorts", "Hospitality"),
            new CompanyName("Via Serena Restaurants", "Hospitality"),
            new CompanyName("Lakeshore Events", "Hospitality"),
            new CompanyName("Stonewright Builders", "Construction"),
            new CompanyName("Trestle & Beam", "Construction"),
            new CompanyName("Cornerstone Civil", "Construction"),
            new CompanyName("Paperlantern Studios", "Media"),
            new CompanyName("Echo Valley Media", "Media"),
            new CompanyName("Goldfurrow Farms", "Agriculture"),
            new CompanyName("Orchard Row Produce", "Agriculture"));

    static final List<Region> REGIONS = List.of(
            new Region("US", "USD", List.of("Austin", "Denver", "Chicago", "Seattle", "Boston", "Atlanta",
                    "Portland", "Minneapolis", "Raleigh", "San Diego")),
            new Region("DE", "EUR", List.of("Berlin", "Hamburg", "Munich", "Cologne", "Leipzig")),
            new Region("FR", "EUR", List.of("Lyon", "Paris", "Nantes", "Lille")),
            new Region("NL", "EUR", List.of("Utrecht", "Rotterdam", "Amsterdam", "Eindhoven")),
            new Region("IE", "EUR", List.of("Dublin", "Cork", "Galway")),
            new Region("ES", "EUR", List.of("Madrid", "Valencia", "Bilbao")),
            new Region("FI", "EUR", List.of("Helsinki", "Tampere")));

    static final List<String> STREETS = List.of("Market Street", "Harbour Road", "Station Square", "Mill Lane",
            "Park Avenue", "Canal Street", "Old Quarry Road", "Innovation Way", "Bridge Street", "Elm Row");

    static final List<String> FIRST_NAMES = List.of("Olivia", "Liam", "Emma", "Noah", "Ava", "Lucas", "Sofia",
            "Mateo", "Isabel", "Elias", "Amara", "Jonas", "Chloe", "Hugo", "Priya", "Arjun", "Mei", "Kenji", "Fatima",
            "Omar", "Leah", "Daniel", "Nora", "Felix", "Zoe", "Samuel", "Ingrid", "Lars", "Camille", "Julien",
            "Aisling", "Ciaran", "Lucia", "Diego", "Hanna", "Mikko", "Grace", "Ethan", "Maya", "Tobias", "Elena",
            "Marco", "Yasmin", "Adrian", "Clara", "Benjamin", "Rosa", "Theo", "Naomi", "Victor", "Anika", "Rafael",
            "Helen", "Oscar", "Leila", "Patrick", "Sara", "Jakob", "Imogen", "Kwame");

    static final List<String> LAST_NAMES = List.of("Anderson", "Baker", "Carter", "Dubois", "Eriksen", "Fischer",
            "Garcia", "Hansen", "Ibrahim", "Jansen", "Kowalski", "Larsen", "Martin", "Nakamura", "O'Brien", "Patel",
            "Quinn", "Rossi", "Schmidt", "Torres", "Umar", "Virtanen", "Walsh", "Xu", "Young", "Zimmermann", "Brooks",
            "Castillo", "Devlin", "Engel", "Fontaine", "Gallagher", "Hoffmann", "Iglesias", "Kaur", "Lindberg",
            "Moreau", "Novak", "Okafor", "Petersen", "Reyes", "Sullivan", "Thompson", "Vogel", "Weber", "Bianchi",
            "Chen", "Dijkstra", "Evans", "Lopez");

    static final List<String> TITLES = List.of("CEO", "CTO", "CFO", "COO", "VP Sales", "VP Engineering",
            "Head of Procurement", "Operations Manager", "IT Director", "Marketing Lead", "Product Manager",
            "Finance Controller", "Purchasing Agent", "Office Manager", "Head of People", "Solutions Architect",
            "Customer Success Manager", "Plant Manager", "Logistics Coordinator", "Data Analyst");

    static final List<String> COMPANY_TAGS = List.of("customer", "prospect", "partner", "key-account",
            "churn-risk", "enterprise", "mid-market");

    static final List<String> CONTACT_TAGS = List.of("decision-maker", "champion", "technical", "finance",
            "newsletter", "event-lead", "vip");

    static final List<String> DEAL_PRODUCTS = List.of("Annual subscription", "Platform expansion", "Pilot project",
            "Support renewal", "Onboarding package", "Enterprise upgrade", "Data migration", "Multi-site rollout",
            "Training programme", "Consulting retainer", "Analytics add-on", "Second team licence");

    /** Subjects per activity type; {first}, {company} and {deal} are filled in. */
    static final List<String> NOTE_SUBJECTS = List.of("Notes from the discovery meeting",
            "{first} prefers email over calls", "Budget holder is the CFO", "Competitor evaluation under way",
            "Asked about single sign-on and audit logs", "Renewal terms discussed", "Feedback on the pilot",
            "Procurement needs a security questionnaire", "New head of IT starts next month",
            "Wants a reference customer in the same industry", "{company} is consolidating vendors",
            "Decision expected after the board meeting");

    static final List<String> NOTE_BODIES = List.of(
            "Three teams would use it first; the rest of the company later this year.",
            "Main pain points: manual spreadsheets and no shared view of customers.",
            "They need the data to stay in the EU. Sent our hosting overview.",
            "Happy with the trial so far, but want a clearer onboarding plan.",
            "Price is fine; timing depends on their budget cycle.",
            "Two competitors on the shortlist. Our strength: the import and the timeline.");

    static final List<String> CALL_SUBJECTS = List.of("Intro call with {first}", "Follow-up call with {first}",
            "Pricing call about {deal}", "Check-in call about {deal}", "Left a voicemail for {first}",
            "Quarterly review call with {company}", "Call with {first} about the rollout plan");

    static final List<String> MEETING_SUBJECTS = List.of("On-site visit at {company}", "Product demo for {company}",
            "Workshop with the {company} team", "Contract review meeting for {deal}");

    static final List<String> EMAIL_SUBJECTS = List.of("Sent the proposal to {first}",
            "Shared a case study with {first}", "Emailed the updated quote for {deal}", "Sent the meeting notes",
            "Introduced {first} to our support team");

    static final List<String> TASK_SUBJECTS = List.of("Send the proposal to {first}", "Prepare a demo for {company}",
            "Follow up on {deal}", "Call {first} back", "Draft the contract for {deal}",
            "Book a meeting with {first}", "Update the pricing sheet for {company}",
            "Send the security questionnaire to {first}", "Check in with {first} after the trial",
            "Confirm the decision date for {deal}");
}
