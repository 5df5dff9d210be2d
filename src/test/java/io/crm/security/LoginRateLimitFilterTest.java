package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * The filter in front of form login and Basic: what counts as a sign-in attempt, 429 in the API's error shape, and
 * the outcome (signed in or not, as the authentication filters behind it left the context) reaching the throttle.
 */
class LoginRateLimitFilterTest {

    private MongoClient client;
    private MongoCollection<Document> collection;
    private LoginRateLimitFilter filter;

    @BeforeEach
    void store() {
        client = MongoClients.create(TestMongo.uri("filter_test"));
        collection = client.getDatabase("filter_test").getCollection(LoginThrottle.COLLECTION);
        collection.drop();
        filter = new LoginRateLimitFilter(new LoginThrottle(collection, new SecurityProperties.RateLimit(
                3, Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofHours(1),
                5, Duration.ofMinutes(1), 50, Duration.ofHours(1)), Clock.systemUTC()));
    }

    @AfterEach
    void close() {
        SecurityContextHolder.clearContext();
        client.close();
    }

    private MockHttpServletResponse attempt(String address, String account, boolean correct) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/auth/tokens");
        request.setRemoteAddr(address);
        request.addHeader("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString((account + ":pw").getBytes(StandardCharsets.UTF_8)));
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(request, response, new MockFilterChain() {
            @Override
            public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) {
                if (correct) {
                    SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken
                            .authenticated(account, null, List.of(new SimpleGrantedAuthority("ROLE_MEMBER"))));
                } else {
                    ((MockHttpServletResponse) res).setStatus(401);
                }
            }
        });
        SecurityContextHolder.clearContext();
        return response;
    }

    @Test
    void failuresOfOneAccountFromOneAddressAreThrottledWithRetryAfterInTheErrorShape() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(attempt("10.0.1.1", "Target@Example.test", false).getStatus()).isEqualTo(401);
        }
        MockHttpServletRequest form = new MockHttpServletRequest("POST", "/login");
        form.setServletPath("/login");
        form.setRemoteAddr("10.0.1.1");
        form.setParameter("username", "target@example.test");
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(form, response, new MockFilterChain());
        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(Long.parseLong(response.getHeader("Retry-After"))).isBetween(1L, 60L);
        assertThat(response.getContentAsString()).contains("\"status\":429");
        // the owner, elsewhere, is not held up
        assertThat(attempt("10.0.1.2", "target@example.test", true).getStatus()).isEqualTo(200);
    }

    @Test
    void successfulSignInsAreNotCounted() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(attempt("10.0.3.1", "ada@example.test", true).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void oneAddressTryingManyAccountsIsStopped() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(attempt("10.0.0.1", "user" + i + "@example.test", false).getStatus()).isEqualTo(401);
        }
        assertThat(attempt("10.0.0.1", "user9@example.test", true).getStatus()).isEqualTo(429);
        assertThat(attempt("10.0.0.2", "user9@example.test", true).getStatus()).isEqualTo(200);
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
        assertThat(collection.countDocuments()).isZero();
    }
}
