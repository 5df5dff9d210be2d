package io.crm.security;

import io.crm.platform.web.ErrorBodies;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * Requests Spring Security's firewall refuses (a path parameter such as {@code ;jsessionid=}, {@code //}, an encoded
 * dot, percent or semicolon, a disallowed method or header value) answered 400 in the API's own error shape rather
 * than through the container's error page. Spring Security's WebSecurity picks this bean up by its type.
 */
@Configuration(proxyBeanMethods = false)
class RejectedRequests {

    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> ErrorBodies.write(request, response, 400, "Bad request",
                "The request was rejected: its path, method or headers are not allowed");
    }
}
