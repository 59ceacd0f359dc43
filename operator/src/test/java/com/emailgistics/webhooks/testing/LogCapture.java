package com.emailgistics.webhooks.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** The log events of one logger while open, with their structured fields. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  public LogCapture(Class<?> loggerOf) {
    logger = (Logger) LoggerFactory.getLogger(loggerOf);
    appender.start();
    logger.addAppender(appender);
  }

  /** The structured fields (key-value pairs) of each event whose message is {@code message}. */
  public List<Map<String, String>> fieldsOf(String message) {
    return appender.list.stream()
        .filter(event -> message.equals(event.getMessage()))
        .map(
            event ->
                event.getKeyValuePairs() == null
                    ? Map.<String, String>of()
                    : event.getKeyValuePairs().stream()
                        .collect(
                            Collectors.toMap(
                                pair -> pair.key, pair -> String.valueOf(pair.value), (a, b) -> b)))
        .toList();
  }

  /** The formatted messages logged so far (safe while other threads log). */
  public List<String> messages() {
    // AppenderBase.doAppend synchronizes on the appender.
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
