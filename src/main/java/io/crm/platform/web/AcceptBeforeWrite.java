package io.crm.platform.web;

import java.util.Collections;
import java.util.List;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * A write whose Accept header cannot be parsed, or names nothing JSON in UTF-8, is refused with 406 before its handler runs.
 * Spring MVC negotiates the response type only when writing the answer, after the change is stored: the client
 * would see a 406 for a record that was created. Reads are left to that negotiation (nothing changes). The legacy
 * API answers JSON whatever the Accept header, as the original did, so it is not checked.
 */
@Configuration(proxyBeanMethods = false)
public class AcceptBeforeWrite implements WebMvcConfigurer {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final MediaType ANY_JSON = MediaType.valueOf("application/*+json");

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                    throws HttpMediaTypeNotAcceptableException {
                if (handler instanceof HandlerMethod method && !READS.contains(request.getMethod())
                        && answersJson(method) && !Paths.isLegacy(request)) {
                    List<MediaType> accepted;
                    try {
                        accepted = MediaType.parseMediaTypes(Collections.list(request.getHeaders(HttpHeaders.ACCEPT)));
                    } catch (InvalidMediaTypeException e) {
                        throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
                    }
                    if (!accepted.isEmpty() && accepted.stream().noneMatch(AcceptBeforeWrite::answerable)) {
                        throw new HttpMediaTypeNotAcceptableException(List.of(MediaType.APPLICATION_JSON));
                    }
                }
                return true;
            }
        });
    }

    /** JSON in UTF-8, the one encoding the JSON converter writes (RFC 8259): {@code charset=utf-16} is not. */
    private static boolean answerable(MediaType type) {
        String charset = type.getParameter("charset");
        return (type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.isCompatibleWith(ANY_JSON))
                && (charset == null || charset.replace("\"", "").equalsIgnoreCase("utf-8"));
    }

    /** Handlers whose answer is a body written by the message converters (not a web UI view). */
    private static boolean answersJson(HandlerMethod method) {
        return AnnotatedElementUtils.hasAnnotation(method.getBeanType(), ResponseBody.class)
                || method.hasMethodAnnotation(ResponseBody.class);
    }
}
