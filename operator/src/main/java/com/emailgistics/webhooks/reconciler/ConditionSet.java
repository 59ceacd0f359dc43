package com.emailgistics.webhooks.reconciler;

import com.emailgistics.webhooks.api.StatusCondition;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds a status's standard conditions. A condition whose status did not change keeps its
 * lastTransitionTime, so that an unchanged status compares equal and is not patched.
 */
public final class ConditionSet {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";
  public static final String READY = "Ready";

  private final Map<String, StatusCondition> previous;
  private final Long generation;
  private final Clock clock;
  private final List<StatusCondition> conditions = new ArrayList<>();

  public ConditionSet(List<StatusCondition> previous, Long generation, Clock clock) {
    this.previous =
        previous.stream()
            .collect(Collectors.toMap(StatusCondition::getType, Function.identity(), (a, b) -> b));
    this.generation = generation;
    this.clock = clock;
  }

  /**
   * The conditions of {@code previous} as they are, except {@code replaced}, which is to be set.
   */
  public static ConditionSet keeping(
      List<StatusCondition> previous, Long generation, Clock clock, String replaced) {
    ConditionSet conditions = new ConditionSet(previous, generation, clock);
    previous.stream()
        .filter(condition -> !replaced.equals(condition.getType()))
        .forEach(conditions.conditions::add);
    return conditions;
  }

  public ConditionSet set(String type, boolean status, String reason, String message) {
    return set(type, status ? TRUE : FALSE, reason, message);
  }

  public ConditionSet set(String type, String status, String reason, String message) {
    String transitionTime =
        Optional.ofNullable(previous.get(type))
            .filter(old -> status.equals(old.getStatus()))
            .map(StatusCondition::getLastTransitionTime)
            .orElseGet(() -> Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
    StatusCondition condition = new StatusCondition();
    condition.setType(type);
    condition.setStatus(status);
    condition.setReason(reason);
    condition.setMessage(message);
    condition.setObservedGeneration(generation);
    condition.setLastTransitionTime(transitionTime);
    conditions.add(condition);
    return this;
  }

  /** The previous condition of this type, if the status had one. */
  public Optional<StatusCondition> previous(String type) {
    return Optional.ofNullable(previous.get(type));
  }

  public List<StatusCondition> toList() {
    return List.copyOf(conditions);
  }
}
