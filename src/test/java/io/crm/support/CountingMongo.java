package io.crm.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A client of the test store that sees every command it sends: what a test counts as store round trips, and a hook
 * to act in the middle of one (a change landing while a read is on its way). A test class holds one in a static
 * {@code @RegisterExtension} field; it is closed after the class's tests.
 */
public final class CountingMongo implements AfterAllCallback, AutoCloseable {

    private final List<CommandStartedEvent> commands = new CopyOnWriteArrayList<>();
    private volatile Consumer<CommandStartedEvent> onCommand = event -> { };
    private final MongoClient client;
    private final String database;

    public CountingMongo(String database) {
        this.database = database;
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event);
                onCommand.accept(event);
            }
        };
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(TestMongo.uri(database))).addCommandListener(listener)
                .build());
    }

    public MongoDatabase database() {
        return client.getDatabase(database);
    }

    /** The names of the commands {@code action} sends, in order. */
    public List<String> commandsOf(Runnable action) {
        commands.clear();
        action.run();
        return commands.stream().map(CommandStartedEvent::getCommandName).toList();
    }

    /** Runs as each command starts, on the thread that sends it, until set again. */
    public void onCommand(Consumer<CommandStartedEvent> action) {
        this.onCommand = action;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        client.close();
    }
}
