package com.emailgistics.webhooks.actions;

/**
 * An action not applied, with a precise reason. index = position in the endpoint's actions array.
 *
 * @param type the action's type, or null when the entry is not an object or has no string type
 * @param name the action's diagnostic label, or null when absent or not a string
 */
public record DroppedAction(int index, String type, String name, String reason) {}
