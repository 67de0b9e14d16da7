/**
 * The starter's domain, a to-do list: the events its SQS messages become, the handler that checks them, and the
 * relational mapping of the {@code todo} table's stream. Replace it with your own.
 */
package com.example.starter.todo;
