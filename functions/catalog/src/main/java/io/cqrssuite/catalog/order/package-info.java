/**
 * The catalog's order messages from SQS, SNS and EventBridge and their handler. Example code, not API.
 */
package io.cqrssuite.catalog.order;
