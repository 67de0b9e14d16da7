/**
 * Local stand-ins for AWS services, for tests and the local run: DynamoDB (npm dynalite), S3 (S3Mock and a small S3
 * of its own), an SQS event-source mapping, a DynamoDB Streams API over written items, recording fakes of Step
 * Functions and Secrets Manager, and a LocalStack fixture for the tests that need Docker.
 */
package io.cqrssuite.testing.aws;
