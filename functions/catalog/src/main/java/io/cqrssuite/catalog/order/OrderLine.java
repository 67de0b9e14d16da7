package io.cqrssuite.catalog.order;

/** One ordered product: its code and a positive quantity. */
public record OrderLine(String code, int quantity) {}
