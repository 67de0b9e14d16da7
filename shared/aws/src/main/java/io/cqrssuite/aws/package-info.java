/**
 * AWS SDK clients built one way for every module ({@link io.cqrssuite.aws.AwsClients}): the URL-connection HTTP
 * client, an explicit retry strategy and call timeout, region and endpoint overrides from the environment ({@link
 * io.cqrssuite.aws.AwsSettings}), wired by {@link io.cqrssuite.aws.AwsModule}.
 */
package io.cqrssuite.aws;
