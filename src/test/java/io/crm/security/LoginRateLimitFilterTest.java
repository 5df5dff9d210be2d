package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** Sign-in attempts per client address and per account; other requests pass untouched. */
class LoginRateLimitFilterTest {

    private final LoginRateLimitFilter filter = new LoginRateLimitFilter(
            new SecurityProperties.RateLimit(3, Duration.ofMinutes(5), 5, Duration.ofMinutes(1)));

    private int attempt(String address, String account) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/auth/tokens");
        request.setRemoteAddr(address);
        request.addHeader("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((account + ":pw").getBytes(StandardCharsets.UTF_8)));
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        return response.getStatus();
    }

    @Test
    void oneAddressTryingManyAccountsIsStopped() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("10.0.0.1", "user" + i + "@example.test")).isEqualTo(200);
        }
        assertThat(attempt("10.0.0.1", "user9@example.test")).isEqualTo(429);
        assertThat(attempt("10.0.0.2", "user9@example.test")).isEqualTo(200);
    }

    @Test
    void oneAccountTriedFromManyAddressesIsStopped() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(attempt("10.0.1." + i, "Target@Example.test")).isEqualTo(200);
        }
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setServletPath("/login");
        request.setRemoteAddr("10.0.1.99");
        request.setParameter("username", "target@example.test");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeader("Retry-After")).isNotBlank();
        assertThat(response.getContentAsString()).contains("\"status\":429");
    }

    @Test
    void requestsThatAreNotSignInAttemptsAreNotCounted() throws Exception {
        for (int i = 0; i < 20; i++) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/api/v1/contacts");
            request.setRemoteAddr("10.0.2.1");
            request.addHeader("Authorization", "Bearer crm_x");
            MockHttpServletResponse response = new MockHttpServletResponse();
            filter.doFilter(request, response, new MockFilterChain());
            assertThat(response.getStatus()).isEqualTo(200);
        }
    }
}
