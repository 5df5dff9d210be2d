package io.crm.platform.health;

import java.util.Optional;

import org.springframework.modulith.NamedInterface;

/**
 * Something another module wants said in every {@code /ready} answer, under its own key: a state that does not make
 * the service unready but that an operator must not miss (authentication turned off, say). Lets the module that knows
 * the state say so without platform depending on it. The only type of this package other modules may use.
 */
@NamedInterface("health")
public interface ReadinessWarning {

    /** The key of the warning in the readiness body. */
    String key();

    /** The warning, or empty while there is nothing to warn about. */
    Optional<String> message();
}
