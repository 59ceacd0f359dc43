package com.emailgistics.webhooks.api;

/** How a rule's conditions combine (the product's "Match All" and "Match Any"). */
public enum MatchMode {
  All,
  Any
}
