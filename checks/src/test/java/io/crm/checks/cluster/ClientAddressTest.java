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
 * Client addresses cannot be forged: the ingress controller believes X-Forwarded-For / X-Real-IP only from the
 * proxy CIDRs it is told (never from anywhere), and the app believes X-Forwarded-For only from the ingress
 * controller's pods (VPC addresses), not from a client on the internet. Sign-in limits count by that address.
 */
class ClientAddressTest {

    /** An ingress controller pod's address (VPC 10.0.0.0/16) and a client's on the internet. */
    private static final String POD = "10.0.12.34";
    private static final String INTERNET = "203.0.113.7";

    @SuppressWarnings("unchecked")
    static List<String> problems(Map<String, Object> ingressValues, String appTrustedProxies) {
        List<String> out = new ArrayList<>();
        Map<String, Object> config = (Map<String, Object>) ((Map<String, Object>) ingressValues.get("controller"))
                .getOrDefault("config", Map.of());
        boolean believesHeaders = "true".equals(String.valueOf(config.get("enable-real-ip")))
                || "true".equals(String.valueOf(config.get("use-forwarded-headers")))
                || "true".equals(String.valueOf(config.get("use-proxy-protocol")));
        String cidrs = String.valueOf(config.getOrDefault("proxy-real-ip-cidr", ""));
        if (believesHeaders && (cidrs.isBlank() || cidrs.contains("0.0.0.0/0") || cidrs.contains("::/0"))) {
            out.add("ingress-nginx believes client-supplied address headers from anywhere: set proxy-real-ip-cidr "
                    + "to the load balancer's addresses, or keep enable-real-ip and use-forwarded-headers false");
        }
        Pattern trusted = Pattern.compile(appTrustedProxies == null ? "" : appTrustedProxies);
        if (appTrustedProxies == null || appTrustedProxies.isBlank() || !trusted.matcher(POD).matches()) {
            out.add("the app's trustedProxies (" + appTrustedProxies + ") does not match the ingress pods (" + POD
                    + "): sign-in limits would count the ingress, not the client");
        }
        if (trusted.matcher(INTERNET).matches()) {
            out.add("the app's trustedProxies (" + appTrustedProxies + ") matches an internet address (" + INTERNET
                    + "): any client could name its own address");
        }
        return out;
    }

    static Map<String, Object> ingressValues() {
        return Yamls.parseAll(Scratch.read(ClusterFiles.clusterResources().resolve("ingress-nginx/values.yaml"))).get(0);
    }

    @SuppressWarnings("unchecked")
    static String appTrustedProxies() {
        Map<String, Object> values = Yamls.parseAll(Scratch.read(ClusterFiles.chart().resolve("values.yaml"))).get(0);
        return String.valueOf(((Map<String, Object>) values.get("config")).get("trustedProxies"));
    }

    @Test
    void neitherTheIngressNorTheAppBelievesAForgedAddress() {
        assertThat(problems(ingressValues(), appTrustedProxies())).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void plantedTrustOfEveryoneFails() {
        Map<String, Object> values = ingressValues();
        Map<String, Object> config = (Map<String, Object>) ((Map<String, Object>) values.get("controller")).get("config");
        config.put("enable-real-ip", "true");
        assertThat(problems(values, appTrustedProxies())).singleElement().asString().contains("from anywhere");
        config.put("proxy-real-ip-cidr", "0.0.0.0/0");
        assertThat(problems(values, appTrustedProxies())).singleElement().asString().contains("from anywhere");
        config.put("proxy-real-ip-cidr", "10.0.0.0/16");
        assertThat(problems(values, appTrustedProxies())).isEmpty();

        assertThat(problems(ingressValues(), ".*")).singleElement().asString().contains("internet address");
        assertThat(problems(ingressValues(), "")).singleElement().asString().contains("does not match the ingress");
    }
}
