package io.crm.web;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.Locale;
import java.util.function.Supplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Formatting helpers for the templates ({@code ${@fmt.date(x)}}): dates and times in the zone of the request
 * ({@link UserZones}: the user's setting, else the browser's, else UTC; a time names its zone), money with its
 * currency, tags as text. Values come in their JSON shape (instants, decimal strings).
 */
@Component("fmt")
public class UiFormat {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH);
    /** The zone's short name (CET, NZDT, PST, UTC; GMT-05:00 where there is none). */
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm z",
            Locale.ENGLISH);

    /** UTC as a region, so a time says "UTC" rather than the offset's "Z". */
    private static final ZoneId UTC = ZoneId.of("UTC");

    private final Supplier<ZoneId> zone;
    private final Clock clock;

    @Autowired
    public UiFormat(UserZones zones, Clock clock) {
        this(zones::current, clock);
    }

    private UiFormat(Supplier<ZoneId> zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    /** Formats in one fixed zone (tests, and code outside a request). */
    public static UiFormat in(ZoneId zone, Clock clock) {
        return new UiFormat(() -> zone, clock);
    }

    /** The zone dates are shown in, as its id ({@code Europe/Berlin}, {@code UTC}). */
    public String zone() {
        return shownZone().getId();
    }

    /** An instant's day in the request's zone; a date-only value (YYYY-MM-DD) as it is, never shifted. */
    public String date(Object value) {
        Instant instant = instant(value);
        if (instant != null) {
            return DATE.format(instant.atZone(shownZone()));
        }
        if (value instanceof String s && !s.isBlank()) {
            return DATE.format(LocalDate.parse(s));
        }
        return "";
    }

    public String dateTime(Object value) {
        Instant instant = instant(value);
        return instant == null ? "" : DATE_TIME.format(instant.atZone(shownZone()));
    }

    /** The day of an instant in the request's zone as YYYY-MM-DD (for date inputs). */
    public String isoDate(Object value) {
        Instant instant = instant(value);
        if (instant != null) {
            return instant.atZone(shownZone()).toLocalDate().toString();
        }
        return value instanceof String s ? s : "";
    }

    /** Before now: instants compared, whatever zone they are shown in. */
    public boolean overdue(Object value) {
        Instant instant = instant(value);
        return instant != null && instant.isBefore(clock.instant());
    }

    private ZoneId shownZone() {
        ZoneId id = zone.get();
        return id.equals(ZoneOffset.UTC) ? UTC : id;
    }

    /** "1,234.50 EUR"-style amounts; exact (the amount is the decimal string the API shows). */
    public String money(Object amount, Object currency) {
        if (amount == null) {
            return "";
        }
        BigDecimal value = new BigDecimal(String.valueOf(amount));
        NumberFormat format = NumberFormat.getNumberInstance(Locale.ENGLISH);
        format.setMinimumFractionDigits(2);
        format.setMaximumFractionDigits(2);
        String code = currency == null ? "" : String.valueOf(currency);
        return format.format(value) + (code.isEmpty() ? "" : " " + code);
    }

    public String tags(Object tags) {
        return tags instanceof Collection<?> c ? String.join(", ", c.stream().map(String::valueOf).toList()) : "";
    }

    public String label(String stage) {
        if (stage == null || stage.isEmpty()) {
            return "";
        }
        String spaced = stage.replace('_', ' ').replace('-', ' ');
        return spaced.substring(0, 1).toUpperCase(Locale.ROOT) + spaced.substring(1);
    }

    public String currencySymbol(String code) {
        try {
            return Currency.getInstance(code).getSymbol(Locale.ENGLISH);
        } catch (IllegalArgumentException e) {
            return code;
        }
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof Date d) {
            return d.toInstant();
        }
        return null;
    }
}
