/**
 * Configuration from the function's environment: the {@link io.cqrssuite.config.Environment} qualifier of the map a
 * component is built with, and the {@link io.cqrssuite.config.SettingsReader} every module reads its settings
 * through, so a malformed value fails at once naming the variable.
 */
package io.cqrssuite.config;
