package com.emailgistics.webhooks.actions;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An action to apply, normalised; notes say which entries were dropped or changed (e.g. "unknown
 * user 'Bob' dropped from mainAssignment", "claimNumber truncated to 100 characters").
 *
 * @param index position in the endpoint's {@code actions} array
 * @param type the action type, e.g. {@code assign}
 * @param name the endpoint's diagnostic label, or null when absent or not a string
 * @param value the normalised value: a fresh object holding only the known, valid fields (with
 *     defaults filled in for {@code assign}); it shares nothing with the input
 * @param notes what was dropped, defaulted or changed, in the order found; empty when nothing was
 */
public record EffectiveAction(
    int index, String type, String name, JsonNode value, List<String> notes) {

  public EffectiveAction {
    notes = List.copyOf(notes);
  }
}
