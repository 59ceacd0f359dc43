package com.emailgistics.webhooks.delivery;

/** The webhook's "Include message text" and "Include Custom Fields" options. */
public record PayloadOptions(boolean includeMessageText, boolean includeCustomFields) {}
