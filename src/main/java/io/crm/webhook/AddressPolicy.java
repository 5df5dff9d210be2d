package io.crm.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.hc.client5.http.DnsResolver;

/**
 * Where webhooks may go (SSRF protection). A receiver URL must be https (http only with
 * {@code crm.webhooks.allow-http}), and every address its host resolves to must be a public unicast address unless
 * {@code crm.webhooks.allow-private}: no loopback, private (RFC 1918, ULA), shared (CGNAT), link-local (the cloud
 * metadata endpoints 169.254.169.254 and fd00:ec2::254), any-local, multicast or reserved address. The addresses are
 * checked when a subscription is saved (a clear 400) and again on every connection, as the {@link DnsResolver} of the
 * HTTP client, so a name that resolves elsewhere later (DNS rebinding) is refused on the address really used.
 */
public final class AddressPolicy implements DnsResolver {

    private final WebhookResolver resolver;
    private final boolean allowHttp;
    private final boolean allowPrivate;

    public AddressPolicy(WebhookResolver resolver, boolean allowHttp, boolean allowPrivate) {
        this.resolver = resolver;
        this.allowHttp = allowHttp;
        this.allowPrivate = allowPrivate;
    }

    /** A connection refused because of where it would go; its message says which address and why. */
    public static final class RefusedAddress extends UnknownHostException {
        RefusedAddress(String message) {
            super(message);
        }
    }

    /** Why this URL may not receive webhooks (scheme, form, or where its host resolves to now), or null. */
    public String urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
        String scheme = schemeProblem(uri);
        if (scheme != null) {
            return scheme;
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "must name a host";
        }
        if (uri.getRawUserInfo() != null) {
            return "must not carry a user name or password";
        }
        if (uri.getRawFragment() != null) {
            return "must not have a fragment";
        }
        try {
            resolve(uri.getHost());
        } catch (RefusedAddress e) {
            return e.getMessage();
        } catch (UnknownHostException e) {
            return "host '" + uri.getHost() + "' does not resolve";
        }
        return null;
    }

    /** Why this URL's scheme is not allowed (or it is no URL), or null. */
    public String schemeProblem(String url) {
        try {
            return schemeProblem(new URI(url));
        } catch (URISyntaxException e) {
            return "is not a valid URL";
        }
    }

    private String schemeProblem(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(scheme.equals("http") && allowHttp)) {
            return scheme.equals("http") ? "must be https (plain http is allowed only with CRM_WEBHOOKS_ALLOW_HTTP)"
                    : "must be an https URL";
        }
        return null;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses = resolver.resolve(name);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        if (!allowPrivate) {
            for (InetAddress address : addresses) {
                String why = refusal(address);
                if (why != null) {
                    throw new RefusedAddress("refused: " + host + " resolves to " + address.getHostAddress()
                            + ", " + why + " (allowed only with CRM_WEBHOOKS_ALLOW_PRIVATE)");
                }
            }
        }
        return addresses;
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress address : resolve(host)) {
            out.add(new InetSocketAddress(address, port));
        }
        return out;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        // only used for Kerberos/SPNEGO, which webhooks never do; no lookup that could bypass the checks
        return host;
    }

    /** Why a connection to this address is refused by default, or null for a public unicast address. */
    static String refusal(InetAddress address) {
        if (address.isAnyLocalAddress()) {
            return "an any-local address";
        }
        if (address.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address (cloud metadata lives there)";
        }
        if (address.isSiteLocalAddress()) {
            return "a private address";
        }
        if (address.isMulticastAddress()) {
            return "a multicast address";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 100 && (second & 0xc0) == 64) {
                return "a shared (carrier-grade NAT) address";
            }
            if (first == 0 || first >= 240) {
                return "a reserved address";
            }
            if (first == 198 && (second & 0xfe) == 18 || first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "a reserved address";
            }
            return null;
        }
        if (address instanceof Inet6Address v6) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a private (unique local) address";
            }
            // IPv4 inside IPv6 (compatible ::a.b.c.d, NAT64 64:ff9b::/96): judged by the IPv4 address it carries
            boolean nat64 = (b[0] & 0xff) == 0 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                    && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
            if (v6.isIPv4CompatibleAddress() || nat64) {
                try {
                    String inner = refusal(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                    return inner == null ? null : inner + " (inside IPv6)";
                } catch (UnknownHostException e) {
                    return "an unusable address";
                }
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return "a documentation address";
            }
        }
        return null;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
