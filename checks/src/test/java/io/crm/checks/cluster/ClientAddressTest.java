package io.crm.checks.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.crm.checks.Scratch;
import io.crm.checks.Yamls;
import org.junit.jupiter.api.Test;

/**
 * Client addresses cannot be forged: Traefik believes X-Forwarded-* (and PROXY protocol, if used) only from the VPC
 * (10.0.0.0/16: nodes, the NLB's health checks), never from anywhere, so a header a client sends is replaced; and the
 * app believes X-Forwarded-For only from Traefik's pods, which with the VPC CNI have addresses of that same range,
 * not from a client on the internet. Sign-in limits count by that address.
 */
class ClientAddressTest {

    /** The VPC (infrastructure/), which with the VPC CNI is also the pod CIDR. */
    static final String VPC_CIDR = "10.0.0.0/16";
    /** Addresses inside the VPC (Traefik pods may have any of them) and outside it (clients, other private nets). */
    private static final List<String> INSIDE = List.of("10.0.0.1", "10.0.12.34", "10.0.255.254");
    private static final List<String> OUTSIDE = List.of("203.0.113.7", "10.1.0.5", "192.168.0.1", "100.10.0.1");

    @SuppressWarnings("unchecked")
    static List<String> problems(Map<String, Object> traefikValues, String appTrustedProxies) {
        List<String> out = new ArrayList<>();
        for (String entrypoint : List.of("web", "websecure")) {
            for (String setting : List.of("forwardedHeaders", "proxyProtocol")) {
                Object node = Yq.get(traefikValues, "ports." + entrypoint + "." + setting);
                if (node == null) {
                    continue; // Traefik's default: trusts no one
                }
                Map<String, Object> s = (Map<String, Object>) node;
                String where = "ports." + entrypoint + "." + setting;
                if (Boolean.TRUE.equals(s.get("insecure"))) {
                    out.add(where + ".insecure believes every client's headers");
                }
                List<?> ips = s.get("trustedIPs") instanceof List<?> l ? l : List.of();
                if (ips.stream().anyMatch(ip -> !VPC_CIDR.equals(ip))) {
                    out.add(where + ".trustedIPs " + ips + " must be the VPC " + VPC_CIDR + " only");
                }
            }
        }
        if (!List.of(VPC_CIDR).equals(Yq.get(traefikValues, "ports.websecure.forwardedHeaders.trustedIPs"))) {
            out.add("ports.websecure.forwardedHeaders.trustedIPs is not [" + VPC_CIDR + "]");
        }
        Pattern trusted = Pattern.compile(appTrustedProxies == null ? "" : appTrustedProxies);
        for (String pod : INSIDE) {
            if (appTrustedProxies == null || appTrustedProxies.isBlank() || !trusted.matcher(pod).matches()) {
                out.add("the app's trustedProxies (" + appTrustedProxies + ") does not match a Traefik pod address ("
                        + pod + " in " + VPC_CIDR + "): sign-in limits would count the ingress, not the client");
                break;
            }
        }
        for (String other : OUTSIDE) {
            if (trusted.matcher(other).matches()) {
                out.add("the app's trustedProxies (" + appTrustedProxies + ") matches " + other + ", outside "
                        + VPC_CIDR + ": a client there could name its own address");
                break;
            }
        }
        return out;
    }

    static Map<String, Object> traefikValues() {
        return Yamls.parseAll(Scratch.read(ClusterFiles.clusterResources().resolve("traefik/values.yaml"))).get(0);
    }

    @SuppressWarnings("unchecked")
    static String appTrustedProxies() {
        Map<String, Object> values = Yamls.parseAll(Scratch.read(ClusterFiles.chart().resolve("values.yaml"))).get(0);
        return String.valueOf(((Map<String, Object>) values.get("config")).get("trustedProxies"));
    }

    @Test
    void neitherTraefikNorTheAppBelievesAForgedAddress() {
        assertThat(problems(traefikValues(), appTrustedProxies())).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void plantedTrustOfEveryoneFails() {
        Map<String, Object> values = traefikValues();
        Map<String, Object> web = (Map<String, Object>) Yq.get(values, "ports.web.forwardedHeaders");
        web.put("trustedIPs", List.of("0.0.0.0/0"));
        assertThat(problems(values, appTrustedProxies())).singleElement().asString()
                .contains("ports.web.forwardedHeaders.trustedIPs [0.0.0.0/0]");
        web.put("trustedIPs", List.of("10.0.0.0/16"));
        web.put("insecure", true);
        assertThat(problems(values, appTrustedProxies())).singleElement().asString().contains("insecure");
        web.put("insecure", false);
        ((Map<String, Object>) Yq.get(values, "ports.websecure")).put("proxyProtocol",
                Map.of("trustedIPs", List.of("10.0.0.0/8")));
        assertThat(problems(values, appTrustedProxies())).singleElement().asString()
                .contains("ports.websecure.proxyProtocol.trustedIPs");
        ((Map<String, Object>) Yq.get(values, "ports.websecure")).remove("forwardedHeaders");
        ((Map<String, Object>) Yq.get(values, "ports.websecure")).remove("proxyProtocol");
        assertThat(problems(values, appTrustedProxies())).singleElement().asString()
                .contains("websecure.forwardedHeaders.trustedIPs is not");

        assertThat(problems(traefikValues(), ".*")).singleElement().asString().contains("203.0.113.7");
        // The old default, 10.0.0.0/8, trusts private addresses outside the VPC.
        assertThat(problems(traefikValues(), "10\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")).singleElement().asString()
                .contains("10.1.0.5");
        assertThat(problems(traefikValues(), "")).singleElement().asString().contains("does not match a Traefik pod");
    }
}
