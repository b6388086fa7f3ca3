package clusternode.node.check;

import clusternode.protocols.testing.TestPorts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * CI-sized ledger check: transfers on three Raft JVMs under the mixed nemesis; afterwards no
 * acknowledged transfer is lost or doubled, money is conserved and the replicas agree.
 */
class CheckLedgerIT {
  @Test
  void ledgerUnderMixedFaultsConservesMoneyExactlyOnce() throws Exception {
    Path conf = TestPorts.deployment(Path.of("src/test/resources/check/it-check-ledger.conf"));
    CheckRunIT.Result r = CheckRunIT.check("it-check-ledger", "--workload", "ledger", "--nemesis", "mix",
        "--duration", "30", "--seed", "11", "--op-timeout", "5", "--config", conf.toString());
    CheckRunIT.assertValidRun(r);
  }
}
