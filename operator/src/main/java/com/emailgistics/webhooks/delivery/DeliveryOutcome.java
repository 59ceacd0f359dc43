package com.emailgistics.webhooks.delivery;

/** How a delivery to a webhook ended, as reported to the dispatch caller. */
public enum DeliveryOutcome {
  /** HTTP 200 with status "success": the returned actions are to be applied. */
  Succeeded,
  /** HTTP 200 but a logical failure (status "error" or invalid, malformed JSON, missing fields). */
  EndpointError,
  /** A final non-200 answer, or every attempt failed with a retryable error. */
  Failed,
  /** Nothing was sent; the reason says why (feature off, webhook missing or not permitted...). */
  NotAttempted
}
