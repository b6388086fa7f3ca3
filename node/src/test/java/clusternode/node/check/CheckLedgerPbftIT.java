package clusternode.node.check;

import static org.junit.jupiter.api.Assertions.assertTrue;

import clusternode.protocols.http.Json;
import clusternode.protocols.testing.TestPorts;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Issue 6's PBFT ledger check, CI-sized: four PBFT JVMs (f = 1), concurrent clients transferring
 * through every node, one replica (the first primary) cycled through the Byzantine modes
 * (slow-primary, lie, equivocate, ...) and made honest again; afterwards the three honest replicas
 * pass their audit, agree on balances and state digest, no acknowledged transfer is missing and
 * none is applied twice.
 */
class CheckLedgerPbftIT {
  @Test
  void ledgerOnPbftWithAByzantineReplicaConservesMoneyExactlyOnce() throws Exception {
    Path conf = TestPorts.deployment(Path.of("src/test/resources/check/it-check-ledger-pbft.conf"));
    CheckRunIT.Result r = CheckRunIT.check("it-check-ledger-pbft", "--workload", "ledger", "--nemesis", "byzantine",
        "--duration", "30", "--seed", "5", "--op-timeout", "5", "--config", conf.toString());
    CheckRunIT.assertValidRun(r);
    assertTrue(CheckRunIT.nodePids(r.runDir()).size() >= 4, "not four replicas: " + r.output());
    String history = Files.readString(r.runDir().resolve("history.jsonl"));
    assertTrue(history.contains("\"type\":\"ok\",\"process\":\"nemesis\",\"f\":\"byzantine\""),
        "no replica was made byzantine: " + r.output());
    assertTrue(r.output().contains("is left out of the final reads; judging"), r.output());
    JsonNode results = Json.MAPPER.readTree(r.runDir().resolve("results.json").toFile());
    JsonNode transfers = results.path("counts").path("byOperation").path("transfer");
    assertTrue(transfers.path("ok").asInt() >= 20, "too few acknowledged transfers to mean anything: " + results);
    assertTrue(results.path("expectedBalances").size() == LedgerWorkload.ACCOUNTS.size(), results.toString());
  }
}
