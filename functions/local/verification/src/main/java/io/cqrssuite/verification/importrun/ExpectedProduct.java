package io.cqrssuite.verification.importrun;

/** What a read model should show for one product: its version, whether it is deleted, and the checked fields. */
public record ExpectedProduct(String id, long version, boolean deleted, String name, long price, String category, boolean active) {}
