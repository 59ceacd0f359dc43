package com.emailgistics.webhooks.delivery;

import java.net.InetAddress;
import java.util.List;

/**
 * Which addresses a delivery may connect to, judged on the address the endpoint's name resolved to
 * for this very connection (so a name that points there at connect time is caught too). Refused by
 * default: link-local addresses (169.254.0.0/16 and fe80::/10, where cloud metadata services and
 * node-local agents answer), the unspecified address and multicast. Loopback stays allowed: a
 * webhook on the operator's own pod is no escalation, and local try-outs and tests need it.
 * Administrators add denied ranges (the cluster's service or pod CIDRs, say) and allowed ranges,
 * which win over every denial.
 */
public final class EgressPolicy {
  /** The built-in denials only. */
  public static final EgressPolicy BUILT_IN = new EgressPolicy(List.of(), List.of());

  private final List<AddressRange> denied;
  private final List<AddressRange> allowed;

  public EgressPolicy(List<AddressRange> denied, List<AddressRange> allowed) {
    this.denied = List.copyOf(denied);
    this.allowed = List.copyOf(allowed);
  }

  /** Why a delivery may not connect to {@code address}, or null when it may. */
  public String refusal(InetAddress address) {
    // Loops, not streams: this runs for every delivery.
    for (AddressRange range : allowed) {
      if (range.contains(address)) {
        return null;
      }
    }
    if (address.isLinkLocalAddress()) {
      return "a link-local address, where cloud metadata services answer";
    }
    if (address.isAnyLocalAddress()) {
      return "the unspecified address";
    }
    if (address.isMulticastAddress()) {
      return "a multicast address";
    }
    for (AddressRange range : denied) {
      if (range.contains(address)) {
        return "in the denied range " + range + " (delivery egress settings)";
      }
    }
    return null;
  }
}
