/** The deployed roles held against what the functions do: TemplatePermissionsTest. */
package io.cqrssuite.verification.permissions;
