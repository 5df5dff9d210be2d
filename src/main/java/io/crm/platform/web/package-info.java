/**
 * The HTTP plumbing every feature's controllers share: error bodies, request limits, preconditions, the generic
 * record endpoints and responses, path sets. Exposed to the other modules as the named interface {@code web} (a
 * module's sub-packages are internal to it otherwise); ModularityTest checks the rest of platform stays closed.
 */
@NamedInterface("web")
package io.crm.platform.web;

import org.springframework.modulith.NamedInterface;
