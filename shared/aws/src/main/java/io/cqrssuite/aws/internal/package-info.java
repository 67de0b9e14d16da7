/**
 * Internal: shared by the suite's own modules, not API. Anything here may change or go away in any release without
 * notice; do not use it from your code.
 */
package io.cqrssuite.aws.internal;
