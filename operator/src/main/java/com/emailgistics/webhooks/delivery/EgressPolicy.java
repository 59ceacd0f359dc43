package com.emailgistics.webhooks.delivery;

import java.net.InetAddress;

/**
 * Which addresses a delivery may connect to, judged on the address the endpoint's name resolved to
 * for this very connection (so a name that points there at connect time is caught too). Refused:
 * link-local addresses (169.254.0.0/16 and fe80::/10, where cloud metadata services and node-local
 * agents answer), the unspecified address and multicast. Loopback stays allowed: a webhook on the
 * operator's own pod is no escalation, and local try-outs and tests need it.
 */
public final class EgressPolicy {
  private EgressPolicy() {}

  /** Why a delivery may not connect to {@code address}, or null when it may. */
  public static String refusal(InetAddress address) {
    if (address.isLinkLocalAddress()) {
      return "a link-local address, where cloud metadata services answer";
    }
    if (address.isAnyLocalAddress()) {
      return "the unspecified address";
    }
    if (address.isMulticastAddress()) {
      return "a multicast address";
    }
    return null;
  }
}
