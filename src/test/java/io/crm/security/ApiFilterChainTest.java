package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.crm.support.ApiTest;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.ExceptionTranslationFilter;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.context.request.async.WebAsyncManagerIntegrationFilter;
import org.springframework.security.web.csrf.CsrfFilter;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.session.ConcurrentSessionFilter;
import org.springframework.web.filter.CorsFilter;

/**
 * The API chain carries only what an API request needs (WebSecurity#lean): its filters are pinned here, so one that
 * comes back (a new default of Spring Security, a configurer that adds its own) fails this test and is looked at.
 */
class ApiFilterChainTest extends ApiTest {

    @Autowired
    private FilterChainProxy proxy;

    private List<Class<?>> filtersFor(String method, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        request.setServletPath(path);
        SecurityFilterChain chain = proxy.getFilterChains().stream().filter(c -> c.matches(request)).findFirst()
                .orElseThrow();
        return chain.getFilters().stream().<Class<?>>map(Filter::getClass).toList();
    }

    @Test
    void anApiRequestPassesOnlyTheFiltersItNeeds() {
        List<Class<?>> expected = List.of(
                WebAsyncManagerIntegrationFilter.class,   // HttpSecurity's own, no switch: cheap
                SecurityContextHolderFilter.class,        // a browser session's user (read, never created)
                HeaderWriterFilter.class,
                CorsFilter.class,
                CsrfFilter.class,                         // a session's writes need the CSRF token
                ConcurrentSessionFilter.class,            // an ended session (a disabled user) is turned away
                BearerTokenAuthenticationFilter.class,
                ExceptionTranslationFilter.class,
                AuthorizationFilter.class,
                PasswordChangeGate.class);
        assertThat(filtersFor("GET", "/api/v1/contacts/x")).containsExactlyElementsOf(expected);
        assertThat(filtersFor("POST", "/api/v1/contacts")).containsExactlyElementsOf(expected);
        assertThat(filtersFor("GET", "/person/p-1")).as("the legacy API").containsExactlyElementsOf(expected);
    }

    @Test
    void noSecurityFilterIsObservedOneByOne() throws ReflectiveOperationException {
        var decorator = FilterChainProxy.class.getDeclaredField("filterChainDecorator");
        decorator.setAccessible(true);
        assertThat(decorator.get(proxy)).isNotInstanceOf(ObservationFilterChainDecorator.class);
    }

    @Test
    void aBearerRequestWithASessionCookieLeavesTheSessionAsItIs() {
        var member = user(Role.MEMBER);
        SecurityApiTest.Session session = SecurityApiTest.Session.signIn(http.anonymous(), member.getString("email"),
                PASSWORD);
        var response = http.get("/api/v1/contacts", "Cookie", session.cookie());
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Set-Cookie")).as("no new session id").isEmpty();
        assertThat(session.post("/api/v1/contacts", java.util.Map.of("name", "Same token"), session.csrf()).status())
                .as("the session's CSRF token was not rotated").isEqualTo(201);
        assertThat(session.post("/api/v1/contacts", java.util.Map.of("name", "No token"), null).status())
                .as("and is still required").isEqualTo(403);
    }
}
