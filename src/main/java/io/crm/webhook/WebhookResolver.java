package io.crm.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Host name to addresses, for webhook receivers: the system resolver in the service; tests replace it to play DNS
 * tricks (a name that is public when the subscription is saved and loopback when a delivery connects).
 */
@FunctionalInterface
public interface WebhookResolver {

    WebhookResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
