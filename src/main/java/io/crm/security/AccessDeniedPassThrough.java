package io.crm.security;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * A refusal by method security is raised inside a handler: pass it on to Spring Security's exception translation
 * (401 or 403 in the API's shape, the sign-in page for browsers) before the catch-all handlers would make it a 500.
 */
@ControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class AccessDeniedPassThrough {

    @ExceptionHandler({AccessDeniedException.class, AuthenticationException.class})
    void rethrow(RuntimeException e) {
        throw e;
    }
}
