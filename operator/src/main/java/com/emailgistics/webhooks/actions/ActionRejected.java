package com.emailgistics.webhooks.actions;

import java.util.List;

/** Thrown by a handler when the whole action must be dropped; the message is the reason. */
final class ActionRejected extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ActionRejected(String reason) {
    super(reason, null, false, false);
  }

  /**
   * A reason followed by the notes gathered so far, which would otherwise be lost with the action.
   */
  static ActionRejected withNotes(String reason, List<String> notes) {
    return new ActionRejected(notes.isEmpty() ? reason : reason + ": " + String.join("; ", notes));
  }
}
