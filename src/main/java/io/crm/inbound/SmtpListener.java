package io.crm.inbound;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

import io.crm.events.Actor;
import io.crm.security.SystemActor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.subethamail.smtp.MessageContext;
import org.subethamail.smtp.MessageHandler;
import org.subethamail.smtp.RejectException;
import org.subethamail.smtp.server.SMTPServer;

import org.springframework.context.SmartLifecycle;

/**
 * The capture address's SMTP listener inside the service (SubEthaSMTP): accepts mail for
 * {@code local+<secret>@domain} only (550 at RCPT otherwise), from allowed sender domains only (550 at MAIL FROM),
 * announces the size limit (SIZE) and refuses the bad-input cases at DATA with a permanent 5xx, so nothing is stored
 * and the sender gets a bounce naming the reason. A store failure answers 451, so the sending server retries. Starts
 * and stops with the application context (stopped first: the default, highest phase); each replica may run one (the
 * Message-ID index keeps a message logged once whichever replica receives it).
 */
public class SmtpListener implements SmartLifecycle {

    /** Who the listener's changes are made by, in the audit log. */
    public static final Actor ACTOR = new Actor("inbound-mail", "inbound mail");

    private static final Logger log = LoggerFactory.getLogger(SmtpListener.class);

    private final InboundMail mail;
    private final InboundAddress address;
    private final InboundProperties properties;
    private volatile SMTPServer server;

    public SmtpListener(InboundMail mail, InboundAddress address, InboundProperties properties) {
        this.mail = mail;
        this.address = address;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        if (properties.smtpPort() == 0) {
            return;
        }
        String problem = address.problem();
        if (problem != null) {
            throw new IllegalStateException("the inbound SMTP listener (CRM_INBOUND_SMTP_PORT) needs: " + problem);
        }
        long maxSize = mail.parser().maxSize();
        SMTPServer.Builder builder = SMTPServer.port(properties.smtpPort())
                .softwareName("crm inbound mail")
                .messageHandlerFactory(Handler::new)
                .maxMessageSize((int) Math.min(Integer.MAX_VALUE, maxSize))
                .maxRecipients(100)
                .connectionTimeout(60, TimeUnit.SECONDS);
        if (properties.smtpBindAddress() != null && !properties.smtpBindAddress().isBlank()) {
            try {
                builder.bindAddress(InetAddress.getByName(properties.smtpBindAddress().strip()));
            } catch (UnknownHostException e) {
                throw new IllegalStateException("CRM_INBOUND_SMTP_BIND_ADDRESS is not an address", e);
            }
        }
        SMTPServer started = builder.build();
        started.start();
        server = started;
        log.info("inbound mail: SMTP listener on port {} for {}@...", started.getPortAllocated(),
                properties.address().substring(0, Math.max(0, properties.address().indexOf('@'))) + "+<secret>");
    }

    @Override
    public synchronized void stop() {
        SMTPServer running = server;
        if (running != null) {
            // closes the port, then waits for the sessions in progress to end
            running.stop();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port really listened on (the configured one), or -1 when not running. */
    public int port() {
        SMTPServer running = server;
        return running == null ? -1 : running.getPortAllocated();
    }

    /** One SMTP transaction. */
    private final class Handler implements MessageHandler {

        Handler(MessageContext context) {
        }

        @Override
        public void from(String from) throws RejectException {
            // the envelope sender too (the From header is checked again at DATA); a bounce (empty sender) has none
            if (from == null || from.isBlank() || !mail.parser().senderAllowed(from.strip())) {
                throw new RejectException(550, "5.7.1 Sender not allowed");
            }
        }

        @Override
        public void recipient(String recipient) throws RejectException {
            if (!address.accepts(recipient)) {
                throw new RejectException(550, "5.1.1 No such mailbox");
            }
        }

        @Override
        public String data(InputStream data) throws RejectException, IOException {
            byte[] raw = data.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, mail.parser().maxSize() + 1));
            try {
                InboundMail.Outcome outcome = SystemActor.run(ACTOR, () -> mail.receive(raw, "smtp"));
                return "2.6.0 " + (outcome.duplicate() ? "Already logged" : "Logged");
            } catch (InboundRejected e) {
                throw new RejectException(e.smtpCode(), e.smtpText());
            } catch (InboundMail.BeingLogged e) {
                throw new RejectException(451, "4.3.0 " + e.getMessage());
            } catch (RuntimeException e) {
                log.warn("inbound mail: could not store a message received by SMTP; the sender will retry", e);
                throw new RejectException(451, "4.3.0 Temporary failure, try again later");
            }
        }

        @Override
        public void done() {
        }
    }
}
