/**
 * The catalog example's routing: which S3 keys, SQS message types and DynamoDB partition keys become which of its
 * events. Example code, not API.
 */
package io.cqrssuite.catalog;
