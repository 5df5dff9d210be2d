package io.crm.sso;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configuration.OAuth2AuthorizationServerConfiguration;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;

/**
 * A real OpenID provider for the single sign-on tests: Spring Authorization Server on a loopback port, with a
 * sign-in form (its session cookie {@code IDP_SESSION}, so it never mixes with the CRM's on the same host), one
 * registered client ({@value #CLIENT_ID}, secret {@value #CLIENT_SECRET}, PKCE required, no consent screen) and users
 * whose email, verification flag and groups the test sets and changes. The ID token carries {@code email},
 * {@code email_verified}, {@code name} and {@code groups}. Discovery, JWKS, token and RP-initiated logout endpoints are
 * the library's own.
 */
public final class TestIdentityProvider implements AutoCloseable {

    public static final String CLIENT_ID = "crm";
    public static final String CLIENT_SECRET = "crm-client-secret";

    /** A person at the provider. */
    public record Person(String username, String password, String email, boolean emailVerified, String name,
                         List<String> groups) {
    }

    private final ConfigurableApplicationContext context;
    private final Directory directory;
    private final String issuer;

    private TestIdentityProvider(ConfigurableApplicationContext context) {
        this.context = context;
        this.directory = context.getBean(Directory.class);
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.issuer = "http://127.0.0.1:" + port;
    }

    public static TestIdentityProvider start() {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Provider.class)
                .web(WebApplicationType.SERVLET)
                .properties(Map.of("server.port", "0", "server.address", "127.0.0.1",
                        "spring.main.banner-mode", "off", "server.servlet.session.cookie.name", "IDP_SESSION",
                        // its own configuration only: never the CRM's application.yaml on the same class path
                        "spring.config.name", "test-identity-provider"))
                .run();
        return new TestIdentityProvider(context);
    }

    public String issuer() {
        return issuer;
    }

    /** Adds or replaces a person. */
    public void person(Person person) {
        directory.people.put(person.username(), person);
    }

    /** A person's groups change at the provider (the next sign-in sees them). */
    public void groups(String username, List<String> groups) {
        Person p = directory.people.get(username);
        person(new Person(p.username(), p.password(), p.email(), p.emailVerified(), p.name(), List.copyOf(groups)));
    }

    /** Lets the CRM at {@code base} (e.g. http://127.0.0.1:5000) receive codes and the end of a sign-out. */
    public void allowClientAt(String base) {
        directory.redirectUris.add(base + "/login/oauth2/code/oidc");
        directory.postLogoutUris.add(base + "/login?logout");
    }

    @Override
    public void close() {
        context.close();
    }

    /** The people and the client's allowed addresses, changed by the test while the provider runs. */
    static final class Directory {
        final Map<String, Person> people = new ConcurrentHashMap<>();
        final Set<String> redirectUris = new CopyOnWriteArraySet<>();
        final Set<String> postLogoutUris = new CopyOnWriteArraySet<>();
    }

    // a test configuration: component scanning of the CRM's own test contexts leaves it out
    @TestConfiguration(proxyBeanMethods = false)
    @EnableWebSecurity
    @ImportAutoConfiguration({TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
            WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class})
    static class Provider {

        @Bean
        Directory directory() {
            return new Directory();
        }

        /** The protocol endpoints (authorize, token, JWKS, discovery, user info, logout), OpenID Connect on. */
        @Bean
        @Order(1)
        SecurityFilterChain protocol(HttpSecurity http) throws Exception {
            OAuth2AuthorizationServerConfigurer server = new OAuth2AuthorizationServerConfigurer();
            http.securityMatcher(server.getEndpointsMatcher())
                    .with(server, s -> s.oidc(Customizer.withDefaults()))
                    .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                    // a browser that is not signed in at the provider gets its sign-in form
                    .exceptionHandling(ex -> ex.defaultAuthenticationEntryPointFor(
                            new LoginUrlAuthenticationEntryPoint("/login"),
                            new MediaTypeRequestMatcher(MediaType.TEXT_HTML)));
            return http.build();
        }

        /** The provider's own sign-in form. */
        @Bean
        @Order(2)
        SecurityFilterChain signIn(HttpSecurity http) throws Exception {
            http.authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults());
            return http.build();
        }

        @Bean
        UserDetailsService people(Directory directory) {
            return username -> {
                Person person = directory.people.get(username);
                if (person == null) {
                    throw new UsernameNotFoundException(username);
                }
                return User.withUsername(person.username()).password("{noop}" + person.password()).roles("USER")
                        .build();
            };
        }

        /** The one client, built at each lookup so addresses the test allows later count. */
        @Bean
        RegisteredClientRepository clients(Directory directory) {
            return new RegisteredClientRepository() {
                @Override
                public void save(RegisteredClient registeredClient) {
                    // the library re-saves the client to re-hash its {noop} secret: the fixed client stays as it is
                }

                @Override
                public RegisteredClient findById(String id) {
                    return CLIENT_ID.equals(id) ? client() : null;
                }

                @Override
                public RegisteredClient findByClientId(String clientId) {
                    return CLIENT_ID.equals(clientId) ? client() : null;
                }

                private RegisteredClient client() {
                    return RegisteredClient.withId(CLIENT_ID).clientId(CLIENT_ID)
                            .clientSecret("{noop}" + CLIENT_SECRET)
                            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                            .redirectUris(uris -> uris.addAll(directory.redirectUris))
                            .postLogoutRedirectUris(uris -> uris.addAll(directory.postLogoutUris))
                            .scope(OidcScopes.OPENID).scope(OidcScopes.PROFILE).scope(OidcScopes.EMAIL)
                            .clientSettings(ClientSettings.builder().requireProofKey(true)
                                    .requireAuthorizationConsent(false).build())
                            .build();
                }
            };
        }

        /** The person's email, its verification, name and groups in the ID token. */
        @Bean
        OAuth2TokenCustomizer<JwtEncodingContext> idTokenClaims(Directory directory) {
            return context -> {
                if (!OidcParameterNames.ID_TOKEN.equals(context.getTokenType().getValue())) {
                    return;
                }
                Person person = directory.people.get(context.getPrincipal().getName());
                if (person != null) {
                    context.getClaims().claim("email", person.email())
                            .claim("email_verified", person.emailVerified())
                            .claim("name", person.name())
                            .claim("groups", person.groups());
                }
            };
        }

        @Bean
        JWKSource<SecurityContext> keys() throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            RSAKey key = new RSAKey.Builder((RSAPublicKey) pair.getPublic())
                    .privateKey((RSAPrivateKey) pair.getPrivate()).keyID(UUID.randomUUID().toString()).build();
            return new ImmutableJWKSet<>(new JWKSet(key));
        }

        /** The user-info endpoint checks the access tokens the provider signed. */
        @Bean
        JwtDecoder accessTokens(JWKSource<SecurityContext> keys) {
            return OAuth2AuthorizationServerConfiguration.jwtDecoder(keys);
        }

        /** No fixed issuer: it is the address the provider is reached at (http://127.0.0.1:port). */
        @Bean
        AuthorizationServerSettings settings() {
            return AuthorizationServerSettings.builder().build();
        }
    }
}
