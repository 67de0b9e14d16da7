/**
 * The starter function's wiring: the Lambda handler, its Dagger component and the module that routes messages to
 * handlers and maps the read model's table. Rename the package when you copy the project.
 */
package com.example.starter;
