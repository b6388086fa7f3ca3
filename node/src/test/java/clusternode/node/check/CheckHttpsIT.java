package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.http.Json;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code cluster check} against a deployment that serves its API over HTTPS only. A client that
 * spoke plain HTTP would see every request end without an answer: all operations unknown, which
 * a linearizability check still calls valid. So this test asks for acknowledged reads and writes,
 * and a leader isolated through the admin API, not just the verdict (whose final reads of every
 * key must have been answered too, or it would be unknown).
 */
class CheckHttpsIT {
  @Test
  void workloadsAndNemesisSpeakHttps() throws Exception {
    Path conf = TestPorts.deployment(Path.of("src/test/resources/check/it-check-https.conf"));
    CheckRunIT.Result r = CheckRunIT.check("it-check-https", "--workload", "register", "--nemesis",
        "isolate-leader,kill", "--duration", "25", "--seed", "11", "--op-timeout", "5", "--config", conf.toString());
    CheckRunIT.assertValidRun(r);
    String launcher = Files.readString(r.runDir().resolve("launcher.log"));
    assertTrue(launcher.contains("https://127.0.0.1:2823"), "the nodes did not serve HTTPS: " + launcher);
    String history = Files.readString(r.runDir().resolve("history.jsonl"));
    assertTrue(history.contains("\"type\":\"ok\",\"process\":\"nemesis\",\"f\":\"isolate-leader\""),
        "the nemesis could not set a partition through the admin API: " + r.output());
    JsonNode results = Json.MAPPER.readTree(r.runDir().resolve("results.json").toFile());
    JsonNode byOperation = results.path("counts").path("byOperation");
    assertTrue(byOperation.path("write").path("ok").asInt() > 0, "no acknowledged write: " + results);
    assertTrue(byOperation.path("read").path("ok").asInt() > 0, "no acknowledged read: " + results);
  }
}
