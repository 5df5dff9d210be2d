package io.crm.mail;

import java.util.Map;

import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Renders a message's two parts from {@code templates/mail/<name>.txt} (text mode) and {@code .html} (HTML mode,
 * escaping what it inserts). An engine of its own: the web pages' engine resolves {@code .html} pages only and knows
 * the request, which a message sent by a background thread has not.
 */
class MailTemplates {

    record Rendered(String text, String html) {
    }

    /** Spring EL for expressions, as on the pages (the plain engine wants OGNL, which is not here). */
    private final SpringTemplateEngine engine = new SpringTemplateEngine();

    MailTemplates() {
        engine.addTemplateResolver(resolver(".txt", TemplateMode.TEXT, 1));
        engine.addTemplateResolver(resolver(".html", TemplateMode.HTML, 2));
    }

    private static ClassLoaderTemplateResolver resolver(String suffix, TemplateMode mode, int order) {
        ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver();
        resolver.setPrefix("templates/mail/");
        resolver.setTemplateMode(mode);
        resolver.setCharacterEncoding("UTF-8");
        resolver.setResolvablePatterns(java.util.Set.of("*" + suffix));
        resolver.setCheckExistence(true);
        resolver.setCacheable(true);
        resolver.setOrder(order);
        return resolver;
    }

    Rendered render(String template, Map<String, Object> model) {
        Context context = new Context(java.util.Locale.ENGLISH, model);
        return new Rendered(engine.process(template + ".txt", context), engine.process(template + ".html", context));
    }
}
