package io.crm;

import java.util.Arrays;

import io.crm.backup.BackupException;
import io.crm.backup.RestoreCommand;
import io.crm.portable.PortableCommand;
import io.crm.store.StoreLauncher;
import sun.misc.Signal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CrmApplication {

    public static void main(String[] args) {
        exitCleanlyOnTerm();
        if (Arrays.asList(args).contains("--store-only")) {
            StoreLauncher.main(args);
            return;
        }
        if (PortableCommand.requested(args)) {
            // --export FILE / --import FILE: runs without the service and exits with the command's status
            PortableCommand.main(args);
            return;
        }
        if (RestoreCommand.requested(args)) {
            // --restore FILE --data-dir DIR: restores, then the service starts on DIR; the same exit codes as above
            try {
                args = RestoreCommand.restore(args, System.getenv(), System.out);
            } catch (BackupException refused) {
                System.err.println("Restore refused: " + refused.getMessage());
                System.exit(refused instanceof RestoreCommand.Usage ? 2 : 1);
            }
        }
        SpringApplication.run(CrmApplication.class, args);
    }

    /**
     * A JVM killed by SIGTERM exits 143 even when its shutdown hooks finish cleanly. Orchestrators read that as a
     * failure, so SIGTERM/SIGINT become an orderly System.exit(0): Spring's shutdown hook still drains in-flight
     * requests first (graceful shutdown), and only then does the process end.
     */
    static void exitCleanlyOnTerm() {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> new Thread(() -> System.exit(0), "sig" + name).start());
        }
    }
}
