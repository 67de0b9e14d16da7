/**
 * The catalog's CSV import: an S3 upload planned into byte-range chunks, each imported by a Step Functions task
 * answered through its task token, every valid row written as a product command. Example code, not API.
 */
package io.cqrssuite.catalog.imports;
