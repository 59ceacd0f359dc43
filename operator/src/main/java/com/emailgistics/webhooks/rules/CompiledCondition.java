package com.emailgistics.webhooks.rules;

import com.emailgistics.webhooks.message.Message;
import java.util.function.Predicate;

/** A validated condition, ready to test messages; {@code label} names it in match reasons. */
record CompiledCondition(String label, Predicate<Message> test) {

  boolean matches(Message message) {
    return test.test(message);
  }
}
