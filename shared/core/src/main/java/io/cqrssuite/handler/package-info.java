/**
 * The Lambda handler a function subclasses: {@link io.cqrssuite.handler.EventFactoryHandler} takes any of the six
 * sources and writes the response AWS defines; a function only wires its Dagger component, which extends {@link
 * io.cqrssuite.handler.EntrypointComponent}.
 */
package io.cqrssuite.handler;
