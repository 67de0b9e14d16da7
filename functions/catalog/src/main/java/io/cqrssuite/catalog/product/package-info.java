/**
 * The catalog's products as read models: the relational table mapping and the OpenSearch search over the products
 * index. Example code, not API.
 */
package io.cqrssuite.catalog.product;
