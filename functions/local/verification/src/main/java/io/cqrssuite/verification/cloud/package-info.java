/**
 * The local cloud of the main run and the import bench: dynalite, ElasticMQ, the S3 stand-in and the Step Functions
 * harness wired to the catalog function, with the command table's stream produced from the items written. Not API.
 */
package io.cqrssuite.verification.cloud;
