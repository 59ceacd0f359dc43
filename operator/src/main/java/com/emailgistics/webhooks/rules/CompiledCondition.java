package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.message.Message;
import com.emailgistics.webhooks.rules.BoundedRegex.Match;

/** A validated condition, ready to test messages; {@code label} names it in match reasons. */
record CompiledCondition(String label, Test test) {

  /** Tests one message; regular expressions may be {@link Match#TOO_COSTLY}. */
  @FunctionalInterface
  interface Test {
    Match test(Message message);

    static Test of(java.util.function.Predicate<Message> predicate) {
      return message -> predicate.test(message) ? Match.YES : Match.NO;
    }
  }

  Match evaluate(Message message) {
    return test.test(message);
  }
}
