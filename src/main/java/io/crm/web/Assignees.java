package io.crm.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.security.CurrentUser;
import io.crm.security.UserService;

import org.springframework.stereotype.Component;

/**
 * The people a task can be assigned to, for the activity form's select ({@code ${@assignees.options()}} in the
 * timeline fragment, which three pages share): enabled users who sign in, by name; the signed-in user is the
 * default.
 */
@Component("assignees")
public class Assignees {

    private static final int MAX = 500;

    private final UserService users;

    public Assignees(UserService users) {
        this.users = users;
    }

    /** id to "name (email)", in the users' order. */
    public Map<String, String> options() {
        Map<String, String> out = new LinkedHashMap<>();
        List<org.bson.Document> found = users.list(MAX, null).items();
        found.stream().filter(u -> Boolean.TRUE.equals(u.getBoolean("enabled")) && !UserService.isService(u))
                .forEach(u -> out.put(u.getObjectId("_id").toHexString(),
                        u.getString("displayName") + " (" + u.getString("email") + ")"));
        return out;
    }

    /** The signed-in user's id: the select's default. */
    public String current() {
        return CurrentUser.get().id();
    }
}
