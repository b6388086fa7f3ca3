package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.http.Json;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CI-sized crdt check: the default deployment's protocols on three JVMs, counter and set updates
 * on every node while the nemesis kills a node (kill -9, restart) and partitions the cluster in
 * turn; after the heal every node must converge to what the clients were told, within 30 s.
 */
class CheckCrdtIT {
  @Test
  void countersAndSetsConvergeAfterKillsAndPartitions() throws Exception {
    Path conf = TestPorts.deployment(Path.of("src/test/resources/check/it-check-crdt.conf"));
    CheckRunIT.Result r = CheckRunIT.check("it-check-crdt", "--workload", "crdt", "--nemesis",
        "kill,partition-halves", "--duration", "30", "--seed", "21", "--op-timeout", "5", "--converge-within", "30",
        "--config", conf.toString());
    CheckRunIT.assertValidRun(r);
    String history = Files.readString(r.runDir().resolve("history.jsonl"));
    assertTrue(history.contains("\"type\":\"ok\",\"process\":\"nemesis\",\"f\":\"kill\""), "no node was killed");
    assertTrue(history.contains("\"type\":\"ok\",\"process\":\"nemesis\",\"f\":\"partition-halves\""),
        "no partition was set");
    JsonNode results = Json.MAPPER.readTree(r.runDir().resolve("results.json").toFile());
    JsonNode byOperation = results.path("counts").path("byOperation");
    assertTrue(byOperation.path("counter-add").path("ok").asInt() > 0, "no acknowledged counter update: " + results);
    assertTrue(byOperation.path("set-add").path("ok").asInt() > 0, "no acknowledged add: " + results);
    // Something the checker could have found missing: acknowledged counts and required elements.
    assertTrue(results.path("setMustContain").asInt() > 0, results.toString());
    long converged = results.path("convergedAfterMs").asLong(-1);
    assertTrue(converged >= 0 && converged <= 30_000, "convergence time " + converged + " ms: " + results);
    assertEquals(0, results.path("violations").size(), results.toString());
  }
}
