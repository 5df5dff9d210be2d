package io.crm.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.MethodParameter;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.TypeDescriptor;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * README's "Configuration" table, application.yaml (the one place defaults are set) and the properties records agree:
 * every variable the table names is a {@code ${VAR:default}} placeholder in application.yaml and vice versa; unset,
 * it binds to the table's default; set to another valid value, the bound setting changes to it. The crm.* settings
 * are read back from the @ConfigurationProperties records they bind to (bound and validated as at startup), other
 * Spring properties as the text Spring Boot receives.
 */
class ConfigurationDocumentationTest {

    private static final Path README = Path.of("README.md");
    private static final Path YAML = Path.of("src/main/resources/application.yaml");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern ROW = Pattern.compile("^\\|([^|]*)\\|([^|]*)\\|.*\\|\\s*$");
    private static final Pattern CODE = Pattern.compile("^`([^`]*)`$");
    private static final Pattern EMPTY = Pattern.compile("^_\\(empty[^)]*\\)_$");

    /**
     * Another valid value for the variables whose type gives no obvious one (text, lists, paths, and the Spring
     * properties read as text). Numbers, booleans, durations and sizes of the records get one from their default.
     */
    private static final Map<String, String> ALTERNATIVES = Map.ofEntries(
            Map.entry("MONGODB_URI", "mongodb://db.example:27017/crm"),
            Map.entry("MONGO_URI", "mongodb://legacy.example:27017/crm"),
            Map.entry("CRM_DATA_DIR", "/var/lib/crm"),
            Map.entry("CRM_MONGODB_TRANSACTIONS", "off"),
            Map.entry("CRM_VIRTUAL_THREADS", "true"),
            Map.entry("CRM_MFA_REQUIRED_ROLES", "ADMIN,MEMBER"),
            Map.entry("CRM_BACKUP_SCHEDULE", "0 0 3 * * *"),
            Map.entry("CRM_BACKUP_DIR", "/var/backups/crm"),
            Map.entry("PORT", "8080"),
            Map.entry("MANAGEMENT_PORT", "9090"),
            Map.entry("CRM_MAX_CONNECTIONS", "256"),
            Map.entry("CRM_SHUTDOWN_TIMEOUT", "45s"),
            Map.entry("CRM_MAX_UPLOAD_SIZE", "64MB"),
            Map.entry("CRM_LOG_FORMAT", "logstash"),
            Map.entry("CRM_ADMIN_EMAIL", "boss@example.test"),
            Map.entry("CRM_INSTANCE_ID", "crm-7d9f-0"),
            Map.entry("CRM_ADMIN_PASSWORD_FILE", "/run/secrets/crm-admin"),
            Map.entry("CRM_ADMIN_PASSWORD", "correct-horse-battery-staple"),
            Map.entry("CRM_TRUSTED_PROXIES", "10\\.0\\.0\\.\\d{1,3}"),
            Map.entry("CRM_SESSION_TIMEOUT", "30m"),
            Map.entry("CRM_CORS_ALLOWED_ORIGINS", "https://a.example,https://b.example"),
            Map.entry("CRM_DEALS_STAGES", "new,pitched,won,lost"),
            Map.entry("CRM_DEALS_CLOSEDSTAGES", "won"),
            Map.entry("CRM_DEALS_DEFAULTCURRENCY", "EUR"),
            Map.entry("CRM_DEALS_LOSTREASONS", "Price,Timing"),
            Map.entry("CRM_LOCAL_LOGIN", "admins-only"),
            Map.entry("CRM_OIDC_ISSUER_URI", "https://id.example.test/realms/crm"),
            Map.entry("CRM_OIDC_CLIENT_ID", "crm"),
            Map.entry("CRM_OIDC_CLIENT_SECRET_FILE", "/run/secrets/oidc"),
            Map.entry("CRM_OIDC_CLIENT_SECRET", "client-secret-value"),
            Map.entry("CRM_OIDC_SCOPES", "openid,email,profile,groups"),
            Map.entry("CRM_OIDC_ROLE_CLAIM", "roles"),
            Map.entry("CRM_OIDC_ROLE_MAPPING", "crm-admins=ADMIN,*=VIEWER"),
            Map.entry("CRM_OIDC_ALLOWED_DOMAINS", "example.test,example.org"),
            Map.entry("CRM_OIDC_PROVIDER_NAME", "Okta"),
            Map.entry("CRM_INBOUND_SMTP_BIND_ADDRESS", "10.0.0.5"),
            Map.entry("CRM_INBOUND_ADDRESS", "log@crm.example.test"),
            Map.entry("CRM_INBOUND_SECRET_FILE", "/run/secrets/inbound"),
            Map.entry("CRM_INBOUND_SECRET", "inbound-secret-value"),
            Map.entry("CRM_INBOUND_ALLOWED_SENDER_DOMAINS", "example.test,example.org"),
            Map.entry("CRM_IMAP_HOST", "imap.example.test"),
            Map.entry("CRM_IMAP_USERNAME", "crm@example.test"),
            Map.entry("CRM_IMAP_PASSWORD_FILE", "/run/secrets/imap"),
            Map.entry("CRM_IMAP_PASSWORD", "imap-password-value"),
            Map.entry("CRM_IMAP_FOLDER", "CRM"),
            Map.entry("SPRING_MAIL_HOST", "smtp.example.test"),
            Map.entry("SPRING_MAIL_PORT", "2525"),
            Map.entry("SPRING_MAIL_PROPERTIES_MAIL_SMTP_STARTTLS_ENABLE", "false"),
            Map.entry("SPRING_MAIL_USERNAME", "crm-relay"),
            Map.entry("SPRING_MAIL_PASSWORD", "relay-password"),
            Map.entry("CRM_MAIL_FROM", "CRM <crm@example.test>"),
            Map.entry("CRM_PUBLIC_URL", "https://crm.example.test"));

    private static final ConversionService CONVERSION = ApplicationConversionService.getSharedInstance();
    private static ValidatorFactory validators;

    /** README's rows: variable to documented default ("" for "empty"). */
    private static Map<String, String> documented;
    /** application.yaml's placeholders: variable to the property keys whose value uses it. */
    private static Map<String, List<String>> placeholders;
    private static List<PropertySource<?>> yaml;
    /** The @ConfigurationProperties classes of the service, by prefix. */
    private static Map<String, Class<?>> records;

    @BeforeAll
    static void read() throws IOException {
        documented = readme();
        yaml = new YamlPropertySourceLoader().load("application.yaml", new FileSystemResource(YAML));
        placeholders = placeholders(yaml);
        records = propertiesRecords();
        validators = Validation.buildDefaultValidatorFactory();
    }

    @AfterAll
    static void close() {
        validators.close();
    }

    @Test
    void theTableAndApplicationYamlNameTheSameVariables() {
        assertThat(documented).as("README.md ## Configuration rows").isNotEmpty();
        Set<String> undocumented = new TreeSet<>(placeholders.keySet());
        undocumented.removeAll(documented.keySet());
        Set<String> unused = new TreeSet<>(documented.keySet());
        unused.removeAll(placeholders.keySet());
        assertThat(undocumented).as("${VAR:...} placeholders in application.yaml missing from README's table")
                .isEmpty();
        assertThat(unused).as("variables in README's table that no application.yaml placeholder uses").isEmpty();
    }

    @Test
    void unsetEachVariableBindsToTheDocumentedDefault() {
        Bound bound = bind(Map.of());
        List<String> wrong = new ArrayList<>();
        documented.forEach((variable, value) -> {
            for (String key : placeholders.getOrDefault(variable, List.of())) {
                Setting setting = bound.setting(key);
                Object expected = convert(value, setting.type(), key);
                if (!expected.equals(setting.value())) {
                    wrong.add(variable + " unset: " + key + " is " + setting.value() + ", README says " + value);
                }
            }
        });
        assertThat(wrong).as("settings whose default differs from README's table").isEmpty();
    }

    @Test
    void settingEachVariableChangesItsSetting() {
        Bound defaults = bind(Map.of());
        List<String> wrong = new ArrayList<>();
        documented.forEach((variable, value) -> {
            List<String> keys = placeholders.getOrDefault(variable, List.of());
            if (keys.isEmpty()) {
                return; // reported by theTableAndApplicationYamlNameTheSameVariables
            }
            String alternative = alternative(variable, defaults.setting(keys.get(0)));
            Bound bound = bind(Map.of(variable, alternative));
            for (String key : keys) {
                Setting setting = bound.setting(key);
                Object expected = convert(alternative, setting.type(), key);
                assertThat(expected).as("%s=%s differs from the default", variable, alternative)
                        .isNotEqualTo(defaults.setting(key).value());
                if (!expected.equals(setting.value())) {
                    wrong.add(variable + "=" + alternative + ": " + key + " is " + setting.value());
                }
            }
        });
        assertThat(wrong).as("settings that do not follow their variable").isEmpty();
    }

    /** The table's rows, one variable each: {@code | `VAR` | `default` or _(empty...)_ | meaning |}. */
    private static Map<String, String> readme() throws IOException {
        String text = Files.readString(README);
        int start = text.indexOf("\n## Configuration\n");
        assertThat(start).as("README.md has a ## Configuration section").isNotNegative();
        int end = text.indexOf("\n## ", start + 1);
        Map<String, String> rows = new LinkedHashMap<>();
        for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
            Matcher row = ROW.matcher(line);
            if (!row.matches() || line.startsWith("|---") || line.startsWith("| Variable ")) {
                continue;
            }
            Matcher variable = CODE.matcher(row.group(1).strip());
            assertThat(variable.matches() && variable.group(1).matches("[A-Z][A-Z0-9_]*"))
                    .as("one variable per row, as `NAME`: %s", line).isTrue();
            String cell = row.group(2).strip();
            Matcher code = CODE.matcher(cell);
            String value;
            if (code.matches()) {
                value = code.group(1);
            } else if (EMPTY.matcher(cell).matches()) {
                value = "";
            } else {
                throw new AssertionError("a default is `value` or _(empty...)_: " + line);
            }
            assertThat(rows.put(variable.group(1), value)).as("%s is in the table once", variable.group(1)).isNull();
        }
        return rows;
    }

    private static Map<String, List<String>> placeholders(List<PropertySource<?>> sources) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (PropertySource<?> source : sources) {
            if (!(source.getSource() instanceof Map<?, ?> properties)) {
                continue;
            }
            for (Object key : properties.keySet()) {
                Object raw = source.getProperty(key.toString());
                Matcher m = PLACEHOLDER.matcher(String.valueOf(raw));
                while (m.find()) {
                    found.computeIfAbsent(m.group(1), v -> new ArrayList<>()).add(key.toString());
                }
            }
        }
        return found;
    }

    private static Map<String, Class<?>> propertiesRecords() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        Map<String, Class<?>> found = new LinkedHashMap<>();
        for (BeanDefinition candidate : scanner.findCandidateComponents("io.crm")) {
            try {
                Class<?> type = Class.forName(candidate.getBeanClassName());
                ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
                String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
                assertThat(type.isRecord()).as("%s is a record", type).isTrue();
                found.put(prefix, type);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(found).as("the service's @ConfigurationProperties records").isNotEmpty();
        return found;
    }

    /** Binds every properties record (validated, as at startup) with these environment variables set. */
    private static Bound bind(Map<String, String> environment) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource("systemEnvironment", Map.copyOf(environment)));
        yaml.forEach(sources::addLast);
        Binder binder = new Binder(ConfigurationPropertySources.from(sources),
                new PropertySourcesPlaceholdersResolver(sources), CONVERSION);
        ValidationBindHandler validation = new ValidationBindHandler(
                new SpringValidatorAdapter(validators.getValidator()));
        Map<String, Object> bound = new LinkedHashMap<>();
        records.forEach((prefix, type) -> bound.put(prefix, binder.bind(prefix, Bindable.of(type), validation)
                .orElseThrow(() -> new AssertionError("nothing bound to " + type))));
        return new Bound(binder, bound);
    }

    private record Setting(Object value, TypeDescriptor type) {
    }

    private record Bound(Binder binder, Map<String, Object> records) {

        /** A crm.* key read from its record (the record with the longest matching prefix); others as text. */
        Setting setting(String key) {
            String prefix = records.keySet().stream().filter(p -> key.startsWith(p + "."))
                    .max((a, b) -> Integer.compare(a.length(), b.length())).orElse(null);
            if (prefix == null) {
                assertThat(key).as("a crm.* setting belongs to a properties record").doesNotStartWith("crm.");
                return new Setting(binder.bind(key, String.class).orElse(""), TypeDescriptor.valueOf(String.class));
            }
            Object value = records.get(prefix);
            TypeDescriptor type = null;
            for (String segment : key.substring(prefix.length() + 1).split("\\.")) {
                RecordComponent component = component(value, segment, key);
                type = new TypeDescriptor(new MethodParameter(component.getAccessor(), -1));
                try {
                    value = component.getAccessor().invoke(value);
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new AssertionError(e);
                }
            }
            return new Setting(value, type);
        }

        private static RecordComponent component(Object record, String segment, String key) {
            String name = Pattern.compile("-([a-z0-9])").matcher(segment).replaceAll(m -> m.group(1).toUpperCase());
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                if (component.getName().equals(name)) {
                    return component;
                }
            }
            return fail("%s (application.yaml) is not a component of %s", key, record.getClass().getName());
        }
    }

    /** The text as the binder turns it into a setting of this type (so Path and lists convert as at startup). */
    private static Object convert(String text, TypeDescriptor type, String key) {
        return new Binder(new MapConfigurationPropertySource(Map.of("value", text)))
                .bind("value", Bindable.of(type.getResolvableType()))
                .orElseThrow(() -> new AssertionError(key + " from \"" + text + "\" binds to nothing"));
    }

    /** A valid value other than the default: derived from the default for numbers, switches, durations, sizes. */
    private static String alternative(String variable, Setting setting) {
        if (ALTERNATIVES.containsKey(variable)) {
            return ALTERNATIVES.get(variable);
        }
        Object value = setting.value();
        if (value instanceof Integer || value instanceof Long) {
            return Long.toString(((Number) value).longValue() + 1);
        }
        if (value instanceof Boolean b) {
            return Boolean.toString(!b);
        }
        if (value instanceof Duration d) {
            return d.plusSeconds(1).toString();
        }
        if (value instanceof DataSize size) {
            return (size.toBytes() + 1024) + "B";
        }
        return fail("give %s an alternative valid value in ConfigurationDocumentationTest.ALTERNATIVES", variable);
    }
}
