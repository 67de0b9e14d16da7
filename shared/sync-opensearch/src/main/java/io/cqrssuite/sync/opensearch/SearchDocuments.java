package io.cqrssuite.sync.opensearch;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import javax.inject.Qualifier;

/**
 * Qualifies the {@link io.cqrssuite.sync.ChangeSelector} a function binds to say which changes become documents of
 * its OpenSearch read model ({@link OpenSearchSyncModule}), e.g.
 * {@code @Provides @SearchDocuments static ChangeSelector products() { return new ChangeSelector.PkPrefix("PRODUCT#"); }}.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface SearchDocuments {}
