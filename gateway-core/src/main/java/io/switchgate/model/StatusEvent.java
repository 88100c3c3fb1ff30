package io.switchgate.model;

import java.time.Instant;

/**
 * An audit-trail entry: a terminal or merchant changed status (or a terminal was activated, or its keys changed).
 *
 * @param subjectKind "terminal" or "merchant"
 */
public record StatusEvent(String subjectKind, String subjectId, String fromStatus, String toStatus, String reason, Instant at) implements java.io.Serializable {
}
