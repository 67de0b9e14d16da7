package io.cqrssuite.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command gets from the user's shell: the repository root ({@code SUITE_ROOT}, where template.yaml and
 * events/ are), stdout for its results, stderr for progress and reasons, and the shell's environment.
 */
record Shell(Path root, PrintStream out, PrintStream err, Map<String, String> env) {}
