package io.cqrssuite.bench.page;

import static io.cqrssuite.bench.page.Rounding.fixed;
import static io.cqrssuite.bench.page.Rounding.integer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The command sync stage's figures per path: commands per second (on local emulators: a comparison of paths, not of
 * DynamoDB), and the calls and capacity units per thousand commands, which are the same on AWS.
 */
final class CommandsSection {
  private CommandsSection() {}

  static List<String> lines(JsonNode json) {
    List<String> lines = new ArrayList<>();
    lines.add(integer(json.get("commands")) + " command records over " + integer(json.get("entities"))
        + " entities in deliveries of " + integer(json.get("batch")) + ", entities " + json.path("order").asText()
        + ". Commands per second are the local emulators' (dynalite, moto): they compare paths, not DynamoDB. Calls"
        + " and capacity units are counted per call and priced by AWS's rules, the same on AWS.");
    lines.add("");
    lines.add("| path | writes | commands/s | calls per thousand commands | read units per thousand | write units per thousand | check |");
    lines.add("| --- | --- | ---: | --- | ---: | ---: | --- |");
    json.path("paths").fields().forEachRemaining(entry -> {
      JsonNode path = entry.getValue();
      JsonNode per1000 = path.path("per1000Commands");
      List<String> calls = new ArrayList<>();
      per1000.path("calls").fields().forEachRemaining(call -> calls.add(call.getKey() + " " + fixed(call.getValue(), 1)));
      lines.add("| `" + entry.getKey() + "` | " + path.path("writes").asText() + " | " + fixed(path.get("commandsPerSecond"), 1)
          + " | " + String.join(", ", calls) + " | " + fixed(per1000.get("readUnits"), 1) + " | "
          + fixed(per1000.get("writeUnits"), 1) + " | " + path.path("check").asText() + " |");
    });
    return lines;
  }
}
