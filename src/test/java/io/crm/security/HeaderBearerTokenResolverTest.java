package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.DefaultBearerTokenResolver;

/**
 * The Bearer token read without a regular expression gives Spring Security's answer for every header: the same
 * token, no token, or the same error. Hand-picked edges, then 20,000 generated headers around the scheme and the
 * token's alphabet.
 */
class HeaderBearerTokenResolverTest {

    private final HeaderBearerTokenResolver fast = new HeaderBearerTokenResolver();
    private final DefaultBearerTokenResolver spring = new DefaultBearerTokenResolver();

    private static String answer(org.springframework.security.oauth2.server.resource.web.BearerTokenResolver resolver,
                                 String header, String method) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/v1/contacts");
        if (header != null) {
            request.addHeader("Authorization", header);
        }
        request.setParameter("access_token", "ignored-unless-enabled");
        try {
            String token = resolver.resolve(request);
            return token == null ? "no token" : "token " + token;
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getErrorCode() + ": " + e.getError().getDescription();
        }
    }

    private void sameAnswer(String header) {
        for (String method : List.of("GET", "POST")) {
            assertThat(answer(fast, header, method)).as("%s %s", method, header)
                    .isEqualTo(answer(spring, header, method));
        }
    }

    @Test
    void edgesOfTheSchemeAndTheToken() {
        List<String> headers = new ArrayList<>(List.of("", "Basic dXNlcjpwYXNz", "bearer", "Bearer", "Bearer ",
                "Bearer  crm_abc", "Bearerx crm_abc", "Bearer\tcrm_abc", "BEARER crm_abc", "bEaReR crm_abc",
                "Bearer crm_abc", "Bearer crm_abc=", "Bearer crm_abc==", "Bearer =", "Bearer ===", "Bearer a=b",
                "Bearer a b", "Bearer a\n", "Bearer crm_é", "Bearer a-b.c_d~e+f/g", "Bearer 0", "Bearer %41",
                "Bearer crm_abc ", "Bearers crm_abc", "bearer: crm_abc", "Token crm_abc", "Bearer \u0000"));
        headers.add(null);
        headers.add("Bearer " + "A".repeat(4000));
        headers.forEach(this::sameAnswer);
    }

    @Test
    void generatedHeadersAgree() {
        Random random = new Random(20261205);
        String[] prefixes = {"Bearer ", "bearer ", "BEARER ", "Bearer", "Bearer  ", "Bear ", "Basic ", "", "bearer\t"};
        String alphabet = "aZ09-._~+/= \t%é:;,\"'";
        for (int i = 0; i < 10_000; i++) {
            StringBuilder header = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
            int length = random.nextInt(12);
            for (int j = 0; j < length; j++) {
                header.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            sameAnswer(header.toString());
        }
    }
}
