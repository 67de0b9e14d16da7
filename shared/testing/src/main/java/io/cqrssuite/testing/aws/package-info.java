/**
 * Local stand-ins for AWS services, for tests and the local run: DynamoDB (npm dynalite), S3 (S3Mock and a small S3
 * of its own), an SQS event-source mapping, a DynamoDB Streams API over written items, recording fakes of Step
 * Functions and Secrets Manager, and emulators of many services behind one endpoint ({@link
 * io.cqrssuite.testing.aws.AwsEmulator}): moto's server, a child process that runs anywhere, and LocalStack, for the
 * tests that need Docker.
 */
package io.cqrssuite.testing.aws;
