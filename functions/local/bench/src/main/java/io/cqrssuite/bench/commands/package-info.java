/**
 * {@code ./suite bench commands}: the command stream's sync stage alone (command records to the data and history
 * tables), record by record ({@code CommandSync}) against a delivery at once ({@code CommandBatchSync}), on moto
 * (which has transactions) and dynalite (which has not, so conditional puts). Every DynamoDB call is counted by
 * operation and priced in capacity units by AWS's rules from what it carried, since neither engine reports them.
 */
package io.cqrssuite.bench.commands;
