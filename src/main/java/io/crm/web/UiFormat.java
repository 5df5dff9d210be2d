package io.crm.web;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Currency;
import java.util.Date;
import java.util.Locale;

import org.springframework.stereotype.Component;

/**
 * Formatting helpers for the templates ({@code ${@fmt.date(x)}}): dates and times in UTC (the service's clock; the UI
 * says so), money with its currency, tags as text. Values come in their JSON shape (instants, decimal strings).
 */
@Component("fmt")
public class UiFormat {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'",
            Locale.ENGLISH).withZone(ZoneOffset.UTC);

    public String date(Object value) {
        Instant instant = instant(value);
        if (instant != null) {
            return DATE.format(instant);
        }
        if (value instanceof String s && !s.isBlank()) {
            return DATE.format(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC));
        }
        return "";
    }

    public String dateTime(Object value) {
        Instant instant = instant(value);
        return instant == null ? "" : DATE_TIME.format(instant);
    }

    /** The date part of an instant as YYYY-MM-DD (for date inputs). */
    public String isoDate(Object value) {
        Instant instant = instant(value);
        if (instant != null) {
            return instant.atZone(ZoneOffset.UTC).toLocalDate().toString();
        }
        return value instanceof String s ? s : "";
    }

    public boolean overdue(Object value) {
        Instant instant = instant(value);
        return instant != null && instant.isBefore(Instant.now());
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
